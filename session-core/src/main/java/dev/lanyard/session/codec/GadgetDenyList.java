package dev.lanyard.session.codec;

import java.util.List;

/**
 * Classes and packages that appear in published Java deserialization gadget chains. They are
 * refused by name, before any class is loaded, whatever the application allows: naming
 * {@code org.apache.commons} in {@code allowedPackages} still never admits
 * {@code InvokerTransformer}. The list is a second wall; the first is the allow-list, which
 * admits none of these packages by default.
 */
final class GadgetDenyList {

    /** Prefixes: a name equal to one, or starting with one, is denied. Packages end with a dot. */
    private static final List<String> DENIED = List.of(
            // commons-collections 3 and 4 (CommonsCollections1-7)
            "org.apache.commons.collections.functors.",
            "org.apache.commons.collections4.functors.",
            "org.apache.commons.collections.keyvalue.TiedMapEntry",
            "org.apache.commons.collections4.keyvalue.TiedMapEntry",
            "org.apache.commons.collections.map.LazyMap",
            "org.apache.commons.collections4.map.LazyMap",
            "org.apache.commons.collections.comparators.TransformingComparator",
            "org.apache.commons.collections4.comparators.TransformingComparator",
            // commons-beanutils (CommonsBeanutils1), commons-fileupload, commons-configuration
            "org.apache.commons.beanutils.",
            "org.apache.commons.fileupload.",
            "org.apache.commons.configuration.",
            "org.apache.commons.configuration2.",
            // Xalan's TemplatesImpl (bytecode in a field) in the JDK and in Apache Xalan
            "com.sun.org.apache.xalan.",
            "org.apache.xalan.",
            "com.sun.org.apache.bcel.",
            "org.apache.bcel.",
            // Spring (Spring1/Spring2: ObjectFactory proxies, type providers, AOP, JTA JNDI lookups)
            "org.springframework.beans.factory.",
            "org.springframework.core.SerializableTypeWrapper",
            "org.springframework.aop.",
            "org.springframework.transaction.jta.",
            "org.springframework.jndi.",
            // Groovy (Groovy1: MethodClosure, ConvertedClosure), BeanShell, Jython, Rhino, Clojure
            "org.codehaus.groovy.runtime.",
            "groovy.lang.Closure",
            "groovy.lang.GroovyShell",
            "groovy.util.Expando",
            "bsh.",
            "org.python.",
            "org.mozilla.javascript.",
            "clojure.",
            // c3p0, Hibernate, ROME, Vaadin, MyFaces, Wicket, Click, JBoss interceptors, JSON-lib
            "com.mchange.v2.c3p0.",
            "org.hibernate.tuple.",
            "org.hibernate.engine.spi.TypedValue",
            "org.hibernate.property.",
            "com.rometools.rome.feed.impl.",
            "com.sun.syndication.feed.impl.",
            "com.vaadin.data.util.",
            "org.apache.myfaces.",
            "org.apache.wicket.util.upload.",
            "org.apache.click.",
            "org.jboss.interceptor.",
            "org.jboss.weld.interceptor.",
            "net.sf.json.",
            "com.alibaba.fastjson.",
            // JDK internals reachable by serialization: JNDI, RMI, JMX, rowsets, reflection, scripting
            "com.sun.jndi.",
            "com.sun.rowset.",
            "javax.naming.",
            "javax.management.",
            "java.rmi.",
            "sun.rmi.",
            "javax.script.",
            "java.lang.reflect.",
            "java.lang.invoke.",
            "java.lang.Runtime",
            "java.lang.ProcessBuilder",
            "java.lang.Class",
            "sun.",
            "jdk.",
            "com.sun.corba.",
            "javax.xml.transform.");

    private GadgetDenyList() {}

    /**
     * @param className a binary class name (for arrays, the element's name)
     * @return whether the class is a known gadget or lives in a gadget package
     */
    static boolean denies(String className) {
        for (String prefix : DENIED) {
            if (className.startsWith(prefix)) {
                if (prefix.endsWith(".")
                        || className.length() == prefix.length()
                        || className.charAt(prefix.length()) == '$') {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return the denied prefixes, for documentation and tests */
    static List<String> prefixes() {
        return DENIED;
    }
}
