// The Java driver side of the CQL benchmark: the same fresh table, ~1 KB rows, window of
// requests in flight, latency histogram and (optional) paged read as bench_cql.c, timed
// the same way (wall clock, the process's CPU time, which includes the JIT and the
// garbage collector, and per request from submit to completion).
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

public final class BenchCql {
    // Each base value repeated (space-separated) and cut to 92 characters, as bench_cql.c.
    static final String[] BASE = {
        "Jennifer", "Morrison", "female", "1234 Main Street, Springfield, Oregon, United States",
        "97477", "jennifer.morrison@example.com", "bluebird123", "1980-05-06T10:11:12.000Z",
        "2010-01-02T03:04:05.000Z", "(555) 123-4567",
        "https://randomuser.me/api/portraits/med/women/1.jpg"};
    static final int TEXT_LEN = 92;
    static final String[] TEXT = new String[11];
    static {
        for (int k = 0; k < 11; k++) {
            StringBuilder b = new StringBuilder();
            while (b.length() < TEXT_LEN)
                b.append(BASE[k]).append(' ');
            TEXT[k] = b.substring(0, TEXT_LEN);
        }
    }

    // Latency histogram in microseconds, the same buckets as bench_cql.c: exact below
    // 128 us, then 64 per power of two.
    static final int NBUCKETS = 2048;

    static int bucket(long us) {
        if (us < 128)
            return (int) us;
        int shift = 64 - Long.numberOfLeadingZeros(us) - 7;
        long i = 128 + (long) (shift - 1) * 64 + ((us >> shift) - 64);
        return (int) Math.min(i, NBUCKETS - 1);
    }

    static long bucketTop(int i) {
        if (i < 128)
            return i;
        int shift = (i - 128) / 64 + 1;
        long m = (i - 128) % 64 + 64;
        return ((m + 1) << shift) - 1;
    }

    static long percentile(AtomicLongArray h, double q) {
        long count = 0;
        for (int i = 0; i < NBUCKETS; i++)
            count += h.get(i);
        long want = (long) (q * count + 0.999999), seen = 0;
        for (int i = 0; i < NBUCKETS; i++)
            if ((seen += h.get(i)) >= want && want > 0)
                return bucketTop(i);
        return 0;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    static UUID key(int i) {
        // the same 16 bytes as bench_cql.c: i little-endian in bytes 0..3, version 4, variant
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put((byte) i).put((byte) (i >> 8)).put((byte) (i >> 16)).put((byte) (i >> 24));
        b.put(new byte[12]);
        byte[] a = b.array();
        a[6] = 0x40;
        a[8] = (byte) 0x80;
        ByteBuffer w = ByteBuffer.wrap(a);
        return new UUID(w.getLong(), w.getLong());
    }

    static void insert(CqlSession s, PreparedStatement p, int from, int to, int window,
                       AtomicLongArray hist) throws InterruptedException {
        Semaphore inflight = new Semaphore(window);
        AtomicLong failed = new AtomicLong();
        for (int i = from; i < to; i++) {
            inflight.acquire();
            BoundStatement b = p.bind(key(i), TEXT[0], TEXT[1], TEXT[2], TEXT[3], TEXT[4], TEXT[5],
                                      TEXT[6], TEXT[7], TEXT[8], TEXT[9], TEXT[10]);
            long t0 = System.nanoTime();
            CompletionStage<AsyncResultSet> f = s.executeAsync(b);
            f.whenComplete((r, e) -> {
                hist.incrementAndGet(bucket((System.nanoTime() - t0) / 1000));
                if (e != null)
                    failed.incrementAndGet();
                inflight.release();
            });
        }
        inflight.acquire(window);
        if (failed.get() != 0)
            throw new IllegalStateException(failed.get() + " inserts failed");
    }

    static String createTable(String table) {
        return "CREATE TABLE bench_cql." + table + " (id uuid PRIMARY KEY, first_name text, "
            + "last_name text, gender text, address text, post_code text, email text, "
            + "username text, dob text, registered_date text, phone text, picture text)";
    }

    static PreparedStatement prepare(CqlSession s, String table) {
        return s.prepare("INSERT INTO bench_cql." + table + " (id, first_name, last_name, gender, "
                         + "address, post_code, email, username, dob, registered_date, phone, "
                         + "picture) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    static void exec(CqlSession s, String q) {
        s.execute(SimpleStatement.newInstance(q).setTimeout(Duration.ofSeconds(60)));
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9042;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 200000;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        String dc = args.length > 4 ? args[4] : "datacenter1";
        // one connection (the default pool), with room for the whole window; protocol v4
        // as the C client speaks (the driver would pick v5 with Cassandra 5.0)
        DriverConfigLoader cfg = DriverConfigLoader.programmaticBuilder()
            .withString(DefaultDriverOption.PROTOCOL_VERSION, "V4")
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withString(DefaultDriverOption.REQUEST_CONSISTENCY, DefaultConsistencyLevel.ONE.name())
            .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, 1)
            .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, Math.max(window, 1024))
            .build();
        try (CqlSession s = CqlSession.builder().addContactPoint(new InetSocketAddress(host, port))
                 .withLocalDatacenter(dc).withConfigLoader(cfg).build()) {
            System.err.println("java-driver: protocol " + s.getContext().getProtocolVersion());
            // a fresh keyspace and table for this client's run; warm-up goes to another table
            exec(s, "DROP KEYSPACE IF EXISTS bench_cql");
            exec(s, "CREATE KEYSPACE bench_cql WITH replication = {'class': 'SimpleStrategy', "
                    + "'replication_factor': 1}");
            exec(s, createTable("warm"));
            exec(s, createTable("u"));
            PreparedStatement pw = prepare(s, "warm"), p = prepare(s, "u");
            insert(s, pw, 0, rows / 10, window, new AtomicLongArray(NBUCKETS)); // warm-up
            AtomicLongArray hist = new AtomicLongArray(NBUCKETS);
            long t0 = System.nanoTime(), c0 = cpuNanos();
            insert(s, p, 0, rows, window, hist);
            long t1 = System.nanoTime(), c1 = cpuNanos();
            System.out.printf("java insert %d %.3f %.3f %d %d%n", rows, (t1 - t0) / 1e9,
                              (c1 - c0) / 1e9, percentile(hist, 0.50), percentile(hist, 0.99));
            System.out.flush();
            if ("1".equals(System.getenv("BENCH_CQL_READ")))
                read(s);
            exec(s, "DROP KEYSPACE bench_cql");
        }
    }

    static void read(CqlSession s) {
        long t0 = System.nanoTime(), c0 = cpuNanos();
        ResultSet rs = s.execute(SimpleStatement.newInstance("SELECT * FROM bench_cql.u")
                                     .setPageSize(5000).setTimeout(Duration.ofSeconds(60)));
        long n = 0, chars = 0;
        for (Row r : rs) {
            for (int k = 1; k < 12; k++)
                chars += r.getString(k).length();
            n++;
        }
        long t1 = System.nanoTime(), c1 = cpuNanos();
        System.out.printf("java read %d %.3f %.3f%n", n, (t1 - t0) / 1e9, (c1 - c0) / 1e9);
        if (chars == 0)
            throw new IllegalStateException("no data read");
    }
}
