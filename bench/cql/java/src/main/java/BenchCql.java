// The Java driver side of the CQL benchmark: the same table, rows, window of requests
// in flight and paged read as bench_cql.c, timed the same way (wall clock and the
// process's CPU time, which includes the JIT and the garbage collector).
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

public final class BenchCql {
    static final String[] TEXT = {
        "Jennifer", "Morrison", "female", "1234 Main Street, Springfield, Oregon, United States",
        "97477", "jennifer.morrison@example.com", "bluebird123", "1980-05-06T10:11:12.000Z",
        "2010-01-02T03:04:05.000Z", "(555) 123-4567",
        "https://randomuser.me/api/portraits/med/women/1.jpg"};

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

    static void insert(CqlSession s, PreparedStatement p, int from, int to, int window)
            throws InterruptedException {
        Semaphore inflight = new Semaphore(window);
        AtomicLong failed = new AtomicLong();
        for (int i = from; i < to; i++) {
            inflight.acquire();
            BoundStatement b = p.bind(key(i), TEXT[0], TEXT[1], TEXT[2], TEXT[3], TEXT[4], TEXT[5],
                                      TEXT[6], TEXT[7], TEXT[8], TEXT[9], TEXT[10]);
            CompletionStage<AsyncResultSet> f = s.executeAsync(b);
            f.whenComplete((r, e) -> {
                if (e != null)
                    failed.incrementAndGet();
                inflight.release();
            });
        }
        inflight.acquire(window);
        if (failed.get() != 0)
            throw new IllegalStateException(failed.get() + " inserts failed");
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9042;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 200000;
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        String dc = args.length > 4 ? args[4] : "datacenter1";
        DriverConfigLoader cfg = DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
            .withString(DefaultDriverOption.REQUEST_CONSISTENCY, DefaultConsistencyLevel.ONE.name())
            .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, 1024)
            .build();
        try (CqlSession s = CqlSession.builder().addContactPoint(new InetSocketAddress(host, port))
                 .withLocalDatacenter(dc).withConfigLoader(cfg).build()) {
            s.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS bench_cql")
                          .setTimeout(Duration.ofSeconds(60)));
            s.execute(SimpleStatement.newInstance(
                "CREATE KEYSPACE bench_cql WITH replication = {'class': 'SimpleStrategy', "
                + "'replication_factor': 1}").setTimeout(Duration.ofSeconds(60)));
            s.execute(SimpleStatement.newInstance(
                "CREATE TABLE bench_cql.u (id uuid PRIMARY KEY, first_name text, last_name text, "
                + "gender text, address text, post_code text, email text, username text, dob text, "
                + "registered_date text, phone text, picture text)").setTimeout(Duration.ofSeconds(60)));
            PreparedStatement p = s.prepare(
                "INSERT INTO bench_cql.u (id, first_name, last_name, gender, address, post_code, "
                + "email, username, dob, registered_date, phone, picture) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            int warm = rows / 10;
            insert(s, p, rows, rows + warm, window); // warm-up, not measured
            long t0 = System.nanoTime(), c0 = cpuNanos();
            insert(s, p, 0, rows, window);
            long t1 = System.nanoTime(), c1 = cpuNanos();
            System.out.printf("java insert %d %.3f %.3f%n", rows, (t1 - t0) / 1e9, (c1 - c0) / 1e9);

            t0 = System.nanoTime();
            c0 = cpuNanos();
            ResultSet rs = s.execute(SimpleStatement.newInstance("SELECT * FROM bench_cql.u")
                                         .setPageSize(5000).setTimeout(Duration.ofSeconds(60)));
            long n = 0, chars = 0;
            for (Row r : rs) {
                for (int k = 1; k < 12; k++)
                    chars += r.getString(k).length();
                n++;
            }
            t1 = System.nanoTime();
            c1 = cpuNanos();
            System.out.printf("java read %d %.3f %.3f%n", n, (t1 - t0) / 1e9, (c1 - c0) / 1e9);
            if (chars == 0)
                throw new IllegalStateException("no data read");
            s.execute(SimpleStatement.newInstance("DROP KEYSPACE bench_cql").setTimeout(Duration.ofSeconds(60)));
        }
    }
}
