package org.tupu.neo4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

/**
 * Neo4j Community embedded, reachable over Bolt on a loopback address, for tupu.
 *
 * <p>Usage: {@code java -Xmx1g -jar tupu-neo4j-server.jar --home DIR [--port 7687]
 * [--address 127.0.0.1] [--pagecache 512m] [--password-stdin]}
 *
 * <p>The password of the {@code neo4j} user is read from the first line of standard input
 * ({@code --password-stdin}, what tupu uses, so it never shows in a process list) or else from
 * the environment variable {@code TUPU_NEO4J_PASSWORD}. It is authoritative: it is applied on
 * every start, so the password in tupu's settings always opens the bundled server. On the very
 * first start (no system database yet) the DBMS is first started once with Bolt off to set the
 * password (then recorded by the file {@code data/tupu-password-initialised}), so the factory
 * default {@code neo4j/neo4j} is never reachable over the network.
 *
 * <p>Prints {@code tupu-neo4j ready bolt://ADDRESS:PORT version X} on standard output when
 * clients can connect, and shuts the DBMS down cleanly on SIGTERM (a JVM shutdown hook).
 * Exit status: 0 after a clean shutdown, 1 when the DBMS cannot start, 2 for bad arguments.
 */
public final class TupuNeo4jServer {
    static final String PREFIX = "tupu-neo4j";
    static final String PASSWORD_ENV = "TUPU_NEO4J_PASSWORD";
    static final String SYSTEM_DB = "system";
    static final String INITIALISED_MARKER = "tupu-password-initialised";

    private TupuNeo4jServer() {}

    /** Parsed command line. */
    record Options(Path home, String address, int port, long pageCacheBytes, boolean passwordStdin) {}

    public static void main(String[] args) {
        Options options;
        String password;
        try {
            options = parse(args);
            password = readPassword(options);
        } catch (IllegalArgumentException e) {
            System.err.println(PREFIX + " usage error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        try {
            run(options, password);
        } catch (Throwable e) { // anything that stops the DBMS from starting: report and exit 1
            e.printStackTrace(System.err);
            System.err.flush();
            // the summary comes last, so the last lines of the log always show it
            System.out.println(PREFIX + " failed: " + describe(e));
            System.out.flush();
            System.exit(1);
        }
    }

    static String usage() {
        return "usage: java -Xmx1g -jar tupu-neo4j-server.jar --home DIR [--port 7687] "
                + "[--address 127.0.0.1] [--pagecache 512m] [--password-stdin]\n"
                + "  the neo4j user's password comes from stdin (--password-stdin) or $" + PASSWORD_ENV;
    }

    static Options parse(String[] args) {
        Path home = null;
        String address = "127.0.0.1";
        int port = BoltConnector.DEFAULT_PORT;
        long pageCache = parseBytes("512m");
        boolean passwordStdin = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--home" -> home = Path.of(value(args, ++i, arg)).toAbsolutePath().normalize();
                case "--address" -> address = value(args, ++i, arg);
                case "--port" -> port = parsePort(value(args, ++i, arg));
                case "--pagecache" -> pageCache = parseBytes(value(args, ++i, arg));
                case "--password-stdin" -> passwordStdin = true;
                case "--help", "-h" -> {
                    System.out.println(usage());
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (home == null) {
            throw new IllegalArgumentException("--home DIR is required");
        }
        return new Options(home, address, port, pageCache, passwordStdin);
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("--port must be 1..65535, not " + text);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number, not " + text, e);
        }
    }

    /** "512m", "1g", "65536k" or a plain number of bytes. */
    static long parseBytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1L << 10;
        } else if (t.endsWith("m")) {
            unit = 1L << 20;
        } else if (t.endsWith("g")) {
            unit = 1L << 30;
        }
        if (unit != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0) {
                throw new IllegalArgumentException("a size must be positive, not " + text);
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size (like 512m or 1g): " + text, e);
        }
    }

    static String readPassword(Options options) {
        String password;
        if (options.passwordStdin()) {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                password = in.readLine();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the password from stdin: " + e.getMessage(), e);
            }
        } else {
            password = System.getenv(PASSWORD_ENV);
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("no password given (--password-stdin or $" + PASSWORD_ENV + ")");
        }
        return password;
    }

    static void run(Options options, String password) throws Exception {
        Files.createDirectories(options.home());
        // SIGTERM (or System.exit) at any point shuts down whichever DBMS is running then
        AtomicReference<DatabaseManagementService> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(running, stopped), "tupu-neo4j-shutdown"));

        // written once the password has been set with Bolt off; lives in data/ so that a wiped
        // data folder (a new system database with the factory default) starts over
        Path initialised = options.home().resolve("data").resolve(INITIALISED_MARKER);
        boolean firstStart = !Files.exists(initialised);
        if (firstStart) {
            // Bolt off: set the password before any client can see the factory default.
            log("first start in " + options.home() + ": creating the databases and setting the password");
            DatabaseManagementService setup = builder(options, false).build();
            running.set(setup);
            applyPassword(setup, password);
            if (running.compareAndSet(setup, null)) {
                setup.shutdown();
            }
            Files.writeString(initialised, "the neo4j user's password was set by tupu-neo4j\n");
        }

        DatabaseManagementService dbms = builder(options, true).build();
        running.set(dbms);
        if (!firstStart) {
            applyPassword(dbms, password);
        }
        String version = kernelVersion(dbms.database(SYSTEM_DB));
        String uri = "bolt://" + SocketAddress.format(options.address(), options.port());
        log("ready " + uri + " version " + version);
        stopped.await();
    }

    private static void shutdown(AtomicReference<DatabaseManagementService> running, CountDownLatch stopped) {
        DatabaseManagementService dbms = running.getAndSet(null);
        try {
            if (dbms != null) {
                log("stopping");
                dbms.shutdown();
                log("stopped");
            }
        } catch (Throwable e) {
            e.printStackTrace(System.err);
            System.err.flush();
            log("shutdown failed: " + describe(e));
        } finally {
            System.out.flush();
            System.err.flush();
            stopped.countDown();
        }
    }

    static DatabaseManagementServiceBuilder builder(Options options, boolean bolt) {
        Map<org.neo4j.graphdb.config.Setting<?>, Object> config = new HashMap<>();
        config.put(GraphDatabaseSettings.auth_enabled, true);
        config.put(BoltConnector.enabled, bolt);
        config.put(BoltConnector.listen_address, new SocketAddress(options.address(), options.port()));
        config.put(BoltConnector.advertised_address, new SocketAddress(options.address(), options.port()));
        config.put(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
        config.put(HttpConnector.enabled, false);
        config.put(HttpsConnector.enabled, false);
        // memory and disk for a small shared machine: heap comes from the java command line
        config.put(GraphDatabaseSettings.pagecache_memory, options.pageCacheBytes());
        config.put(GraphDatabaseSettings.preallocate_logical_logs, false);
        config.put(GraphDatabaseSettings.keep_logical_logs, "1 days 512M");
        // no usage reports from an intranet machine
        config.put(GraphDatabaseInternalSettings.udc_network_enabled, false);
        // Bolt's Netty event loops wait 5 s of quiet each on shutdown by default; 1 s is plenty
        config.put(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 1);
        // the in-process "bolt-local" channel serves only Neo4j's own admin tooling
        config.put(BoltConnectorInternalSettings.enable_local_connector, false);
        return new DatabaseManagementServiceBuilder(options.home()).setConfig(config);
    }

    /** Sets the neo4j user's password (and clears "change required"); a no-op when it is already that. */
    static void applyPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(SYSTEM_DB);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            if (isSamePassword(e)) {
                return;
            }
            throw e;
        }
    }

    private static boolean isSamePassword(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("old password and new password cannot be the same")) {
                return true;
            }
        }
        return false;
    }

    /** The Neo4j kernel's version, as {@code CALL dbms.components()} reports it to clients. */
    static String kernelVersion(GraphDatabaseService system) {
        // the system database allows only CALL ... YIELD ... RETURN: filter here
        return system.executeTransactionally(
                "CALL dbms.components() YIELD name, versions RETURN name, versions",
                Map.of(),
                result -> {
                    String version = "unknown";
                    while (result.hasNext()) {
                        Map<String, Object> row = result.next();
                        if ("Neo4j Kernel".equals(row.get("name")) && row.get("versions") instanceof List<?> v
                                && !v.isEmpty()) {
                            version = String.valueOf(v.get(0));
                        }
                    }
                    return version;
                });
    }

    private static void log(String message) {
        System.out.println(PREFIX + " " + message);
        System.out.flush();
    }

    /** The error and, when it says something more, its root cause: one line for the log's reader. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getClass().getSimpleName() + ": " + e.getMessage();
        String rootMessage = String.valueOf(root.getMessage());
        if (root == e || top.contains(rootMessage)) {
            return top;
        }
        return top + " (cause: " + root.getClass().getSimpleName() + ": " + rootMessage + ")";
    }
}
