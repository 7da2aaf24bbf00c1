package dev.lanyard.session.redis;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.UnreadableSessionException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs commands and scripts on the store's connection and turns their futures into answers or typed
 * failures: every wait is bounded by the command timeout (plus a margin for Lettuce's own timeout
 * to fire first), and every failure becomes a {@link StoreUnavailableException} or, for a session
 * that cannot be read, an {@link UnreadableSessionException}, with messages that never repeat an
 * argument. Also waits for replica acknowledgements. Thread-safe.
 */
final class CommandRunner {

    private final ReconnectingConnection connection;
    private final boolean cluster;
    private final Duration timeout;
    private final long waitMillis;
    private final int ackReplicas;
    private final Duration ackTimeout;

    CommandRunner(
            ReconnectingConnection connection,
            boolean cluster,
            Duration timeout,
            int ackReplicas,
            Duration ackTimeout) {
        this.connection = connection;
        this.cluster = cluster;
        this.timeout = timeout;
        this.waitMillis = timeout.toMillis() + 250;
        this.ackReplicas = ackReplicas;
        this.ackTimeout = ackTimeout;
    }

    /**
     * Issues a command on the current connection (Sentinel may swap it after a failover); a client
     * that throws instead of failing the future gives a failed future.
     */
    <T> CompletableFuture<T> call(
            Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
        try {
            return command.apply(connection.async()).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Runs a script whose only key is {@code key}. */
    <T> CompletableFuture<T> script(Script script, ScriptOutputType type, byte[] key, ScriptArgs args) {
        return script(script, type, new byte[][] {key}, args);
    }

    /** Runs a script on keys that share one hash slot: by SHA, by body when Redis lost it. */
    <T> CompletableFuture<T> script(Script script, ScriptOutputType type, byte[][] keys, ScriptArgs args) {
        if (cluster && script.singleServer()) {
            throw new IllegalStateException(script + " reads a key it derives; not on Cluster");
        }
        script.checkKeys(keys);
        byte[][] argv = args.build();
        return this.<T>call(redis -> redis.evalsha(script.sha(), type, keys, argv))
                .exceptionallyCompose(e -> {
                    Throwable cause = unwrap(e);
                    if (cause instanceof RedisNoScriptException) {
                        return call(redis -> redis.<T>eval(script.body(), type, keys, argv));
                    }
                    return CompletableFuture.failedFuture(cause);
                });
    }

    /** Waits for one answer; {@code handle} (may be null) names the session a failure is about. */
    <T> T await(CompletableFuture<T> future, String operation, SessionHandle handle) {
        try {
            T answer = future.get(waitMillis, TimeUnit.MILLISECONDS);
            connection.answered();
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new StoreUnavailableException("interrupted while waiting for Redis (" + operation + ")", e);
        } catch (TimeoutException e) {
            future.cancel(false);
            connection.timedOut();
            throw notAnswered(operation, null);
        } catch (ExecutionException | CancellationException e) {
            throw translate(e instanceof ExecutionException ? e.getCause() : e, operation, handle);
        }
    }

    /** Waits for answers issued in parallel, all within one command timeout. */
    void awaitAll(List<? extends CompletableFuture<?>> futures, String operation) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        for (CompletableFuture<?> f : futures) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                f.get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException("interrupted while waiting for Redis (" + operation + ")", e);
            } catch (TimeoutException e) {
                throw notAnswered(operation, null);
            } catch (ExecutionException | CancellationException e) {
                throw translate(e instanceof ExecutionException ? e.getCause() : e, operation, null);
            }
        }
    }

    /**
     * With replica acknowledgements, waits ({@code WAIT}) until enough replicas hold every write this
     * connection made so far. {@code WAIT} covers all earlier writes of the connection, which every
     * thread of the store shares, so one wait after an operation's last write is enough. Why and what
     * it costs: {@code docs/redis.md} ("Acknowledged writes").
     */
    void replicated(String operation, SessionHandle handle) {
        if (ackReplicas == 0) {
            return;
        }
        Long acknowledged =
                await(call(redis -> redis.waitForReplication(ackReplicas, ackTimeout.toMillis())), operation, handle);
        if (acknowledged == null || acknowledged < ackReplicas) {
            throw new StoreUnavailableException(
                    "Redis replicated "
                            + operation
                            + " to "
                            + acknowledged
                            + " of the "
                            + ackReplicas
                            + " replica(s) required within "
                            + ackTimeout.toMillis()
                            + " ms; the write may be lost in a failover",
                    null);
        }
    }

    private RuntimeException translate(Throwable failure, String operation, SessionHandle handle) {
        Throwable cause = unwrap(failure);
        connection.failed(cause);
        if (cause instanceof UnreadableSessionException u) {
            return u;
        }
        if (cause instanceof RedisCommandExecutionException e) {
            // Redis error messages can echo arguments; only the error code is kept.
            String message = e.getMessage() == null ? "" : e.getMessage();
            String code = message.split("[ \\r\\n]", 2)[0];
            if (handle != null && (code.equals("LANYARD_UNREADABLE") || code.equals("WRONGTYPE"))) {
                return new UnreadableSessionException(handle, "the stored session cannot be read (" + code + ")", null);
            }
            return new StoreUnavailableException("Redis refused " + operation + " (" + code + ")", null);
        }
        if (cause instanceof RedisCommandTimeoutException || cause instanceof TimeoutException) {
            return notAnswered(operation, cause);
        }
        if (cause instanceof RedisException || cause instanceof IOException) {
            return new StoreUnavailableException(
                    "Redis is unavailable for " + operation + " ("
                            + cause.getClass().getSimpleName() + ")",
                    cause);
        }
        return new StoreUnavailableException("the Redis call failed (" + operation + ")", cause);
    }

    private StoreUnavailableException notAnswered(String operation, Throwable cause) {
        return new StoreUnavailableException(
                "Redis did not answer " + operation + " within " + timeout.toMillis() + " ms", cause);
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The number at {@code index} of a script's array reply, 0 when it is missing. */
    static long number(List<Object> result, int index) {
        if (result == null || result.size() <= index || !(result.get(index) instanceof Long n)) {
            return 0;
        }
        return n;
    }
}
