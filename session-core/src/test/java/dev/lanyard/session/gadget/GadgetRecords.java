package dev.lanyard.session.gadget;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Crafted attribute values, as an attacker with write access to the store would put them there:
 * Java serialization streams (with the default codec's tag) naming well-known gadget classes.
 */
public final class GadgetRecords {

    /** Classes of published gadget chains, by name; most are not on the test class path at all. */
    public static final List<String> WELL_KNOWN = List.of(
            "org.apache.commons.collections.functors.InvokerTransformer",
            "org.apache.commons.collections.functors.ChainedTransformer",
            "org.apache.commons.collections4.functors.InvokerTransformer",
            "org.apache.commons.collections.keyvalue.TiedMapEntry",
            "org.apache.commons.collections.map.LazyMap",
            "org.apache.commons.beanutils.BeanComparator",
            "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
            "org.apache.xalan.xsltc.trax.TemplatesImpl",
            "org.springframework.beans.factory.ObjectFactory",
            "org.springframework.beans.factory.support.AutowireUtils$ObjectFactoryDelegatingInvocationHandler",
            "org.springframework.core.SerializableTypeWrapper$MethodInvokeTypeProvider",
            "org.springframework.aop.framework.JdkDynamicAopProxy",
            "org.codehaus.groovy.runtime.MethodClosure",
            "org.codehaus.groovy.runtime.ConvertedClosure",
            "com.mchange.v2.c3p0.impl.PoolBackedDataSourceBase",
            "org.hibernate.engine.spi.TypedValue",
            "com.rometools.rome.feed.impl.ObjectBean",
            "bsh.XThis",
            "org.python.core.PyFunction",
            "org.mozilla.javascript.NativeJavaObject",
            "clojure.core$comp",
            "javax.management.BadAttributeValueExpException",
            "java.rmi.server.UnicastRemoteObject",
            "sun.rmi.server.UnicastRef",
            "com.sun.rowset.JdbcRowSetImpl");

    private GadgetRecords() {}

    /**
     * @param gadget a real gadget stand-in to serialize
     * @return its stream, tagged as the default codec tags serialized values
     */
    public static byte[] of(Object gadget) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(16);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(gadget);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Serializes a {@link FlagGadget} and renames its class in the stream, so the record names
     * {@code className} exactly as a real gadget chain's record would.
     *
     * @param className the class the record should name
     * @return the crafted bytes
     */
    public static byte[] naming(String className) {
        byte[] original = of(new FlagGadget());
        byte[] from = utf(FlagGadget.class.getName());
        byte[] to = utf(className);
        int at = indexOf(original, from);
        if (at < 0) {
            throw new IllegalStateException("class name not found in the stream");
        }
        byte[] out = new byte[original.length - from.length + to.length];
        System.arraycopy(original, 0, out, 0, at);
        System.arraycopy(to, 0, out, at, to.length);
        System.arraycopy(original, at + from.length, out, at + to.length, original.length - at - from.length);
        return out;
    }

    private static byte[] utf(String name) {
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length + 2];
        out[0] = (byte) (text.length >> 8);
        out[1] = (byte) text.length;
        System.arraycopy(text, 0, out, 2, text.length);
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
