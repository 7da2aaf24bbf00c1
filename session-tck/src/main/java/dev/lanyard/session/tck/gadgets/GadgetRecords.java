package dev.lanyard.session.tck.gadgets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Attribute values as an attacker with write access to the store would craft them (default codec's format).
 *
 * @since 0.1.0
 */
public final class GadgetRecords {

    /** Classes of published gadget chains. */
    public static final List<String> WELL_KNOWN = List.of(
            "org.apache.commons.collections.functors.InvokerTransformer",
            "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
            "org.springframework.beans.factory.support.AutowireUtils$ObjectFactoryDelegatingInvocationHandler",
            "org.codehaus.groovy.runtime.MethodClosure",
            "org.apache.commons.beanutils.BeanComparator",
            "com.sun.rowset.JdbcRowSetImpl");

    private GadgetRecords() {}

    /**
     * @param value a value to serialize without any check
     * @return its stream with the default codec's tag
     */
    public static byte[] of(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(16);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param className the class the record should name
     * @return a {@link FlagGadget} stream whose class descriptor names {@code className} instead
     */
    public static byte[] naming(String className) {
        byte[] original = of(new FlagGadget());
        byte[] from = utf(FlagGadget.class.getName());
        byte[] to = utf(className);
        for (int at = 0; at + from.length <= original.length; at++) {
            if (java.util.Arrays.equals(original, at, at + from.length, from, 0, from.length)) {
                byte[] out = new byte[original.length - from.length + to.length];
                System.arraycopy(original, 0, out, 0, at);
                System.arraycopy(to, 0, out, at, to.length);
                System.arraycopy(original, at + from.length, out, at + to.length, original.length - at - from.length);
                return out;
            }
        }
        throw new IllegalStateException("class name not found in the stream");
    }

    private static byte[] utf(String name) {
        byte[] text = name.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[text.length + 2];
        out[0] = (byte) (text.length >> 8);
        out[1] = (byte) text.length;
        System.arraycopy(text, 0, out, 2, text.length);
        return out;
    }
}
