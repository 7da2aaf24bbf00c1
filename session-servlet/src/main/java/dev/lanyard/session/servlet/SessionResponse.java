package dev.lanyard.session.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Wraps the response so that the session is written, and its ID sent, before the response
 * commits: on {@code sendRedirect}, {@code sendError}, {@code flushBuffer}, a flush or close of
 * the body stream or writer, a write that would overflow the buffer, and the write that reaches
 * the declared content length. URLs are never rewritten.
 */
final class SessionResponse extends HttpServletResponseWrapper {

    /**
     * Servlet 6.1 (Tomcat 11) added {@code sendRedirect(String, int, boolean)}; the 6.1 wrapper
     * class delegates it straight to the wrapped response, which would bypass this wrapper. This
     * class compiles against 6.0, so it declares the 6.1 overloads without {@code @Override} and
     * reaches the 6.1 method through a method handle looked up once; on 6.0 containers the handle
     * is absent and the overloads are never called.
     */
    private static final MethodHandle SEND_REDIRECT_61 = findSendRedirect61();

    private final RequestSession state;
    private ServletOutputStream stream;
    private PrintWriter writer;
    private long written;
    private long contentLength = -1;

    SessionResponse(HttpServletResponse response, RequestSession state) {
        super(response);
        this.state = state;
    }

    private static MethodHandle findSendRedirect61() {
        try {
            return MethodHandles.publicLookup()
                    .findVirtual(
                            HttpServletResponse.class,
                            "sendRedirect",
                            MethodType.methodType(void.class, String.class, int.class, boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        state.beforeCommit();
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        state.beforeCommit();
        super.sendError(sc);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        state.beforeCommit();
        super.sendRedirect(location);
    }

    /**
     * Servlet 6.1 overload, see {@link #SEND_REDIRECT_61}.
     *
     * @param location where to
     * @param sc the status code
     * @param clearBuffer whether to clear the buffer
     * @throws IOException as the container's method
     */
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        state.beforeCommit();
        if (SEND_REDIRECT_61 == null) {
            super.sendRedirect(location);
            return;
        }
        try {
            SEND_REDIRECT_61.invoke((HttpServletResponse) getResponse(), location, sc, clearBuffer);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    /**
     * Servlet 6.1 overload, see {@link #SEND_REDIRECT_61}.
     *
     * @param location where to
     * @param sc the status code
     * @throws IOException as the container's method
     */
    public void sendRedirect(String location, int sc) throws IOException {
        sendRedirect(location, sc, true);
    }

    /**
     * Servlet 6.1 overload, see {@link #SEND_REDIRECT_61}.
     *
     * @param location where to
     * @param clearBuffer whether to clear the buffer
     * @throws IOException as the container's method
     */
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        sendRedirect(location, HttpServletResponse.SC_FOUND, clearBuffer);
    }

    @Override
    public void flushBuffer() throws IOException {
        state.beforeCommit();
        super.flushBuffer();
    }

    @Override
    public void reset() {
        super.reset();
        written = 0;
        contentLength = -1;
        state.afterReset();
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        written = 0;
    }

    @Override
    public void setContentLength(int len) {
        super.setContentLength(len);
        contentLength(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        super.setContentLengthLong(len);
        contentLength(len);
    }

    @Override
    public void setHeader(String name, String value) {
        super.setHeader(name, value);
        if ("Content-Length".equalsIgnoreCase(name)) {
            contentLength(parseLength(value));
        }
    }

    @Override
    public void addHeader(String name, String value) {
        super.addHeader(name, value);
        if ("Content-Length".equalsIgnoreCase(name)) {
            contentLength(parseLength(value));
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        super.setIntHeader(name, value);
        if ("Content-Length".equalsIgnoreCase(name)) {
            contentLength(value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        super.addIntHeader(name, value);
        if ("Content-Length".equalsIgnoreCase(name)) {
            contentLength(value);
        }
    }

    private static long parseLength(String value) {
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void contentLength(long len) {
        contentLength = len;
        if (len >= 0 && written >= len) {
            state.beforeCommit();
        }
    }

    /** URLs never carry a session ID. */
    @Override
    public String encodeURL(String url) {
        return url;
    }

    /** URLs never carry a session ID. */
    @Override
    public String encodeRedirectURL(String url) {
        return url;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            stream = new GuardedStream(super.getOutputStream());
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            PrintWriter container = super.getWriter();
            writer = new PrintWriter(new GuardedWriter(container), false) {
                @Override
                public boolean checkError() {
                    // The container's writer swallows I/O errors (a client that went away): report them.
                    return super.checkError() || container.checkError();
                }
            };
        }
        return writer;
    }

    /** Runs the commit hook before a write of {@code bytes} that may commit the response. */
    private void beforeWrite(long bytes) {
        long after = written + bytes;
        if (after > getBufferSize() || (contentLength >= 0 && after >= contentLength)) {
            state.beforeCommit();
        }
        written = after;
    }

    private final class GuardedStream extends ServletOutputStream {
        private final ServletOutputStream delegate;

        GuardedStream(ServletOutputStream delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }

        @Override
        public void write(int b) throws IOException {
            beforeWrite(1);
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            beforeWrite(len);
            delegate.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            state.beforeCommit();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            state.beforeCommit();
            delegate.close();
        }
    }

    /** Counts the UTF-8 size of what is written (an upper bound for the single-byte charsets too). */
    private final class GuardedWriter extends Writer {
        private final PrintWriter delegate;

        GuardedWriter(PrintWriter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(int c) {
            beforeWrite(c < 0x80 ? 1 : c < 0x800 ? 2 : 3);
            delegate.write(c);
        }

        @Override
        public void write(char[] buf, int off, int len) {
            beforeWrite(utf8Length(buf, off, len));
            delegate.write(buf, off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            long bytes = 0;
            for (int i = off; i < off + len; i++) {
                char c = s.charAt(i);
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
            beforeWrite(bytes);
            delegate.write(s, off, len);
        }

        @Override
        public void flush() {
            state.beforeCommit();
            delegate.flush();
        }

        @Override
        public void close() {
            state.beforeCommit();
            delegate.close();
        }

        private long utf8Length(char[] buf, int off, int len) {
            long bytes = 0;
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
            return bytes;
        }
    }
}
