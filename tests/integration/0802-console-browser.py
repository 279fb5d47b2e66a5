"""0802 console in a browser: Debian's chromium (headless, driven by Playwright) against
`sluice console` watching a live pipeline (mock-api → `sluice ingest --http` → topic →
`sluice process --http` → Cassandra, dead letters on).

- With a token set, every page and /api path is 401 without it; the login form opens a
  session (HttpOnly, SameSite=Strict cookie); logging out closes it.
- Each view shows what an independent read gives: brokers and controller as `kcat -L`
  lists them, Cassandra hosts as python3-cassandra sees them, the components' health, a
  static topic's partitions and low/high offsets (confluent-kafka), a group's committed
  offsets and lag (high watermark − committed), the newest messages of a partition (kcat),
  dead letters counted by reason (kcat).
- The charts move while data flows: the ring gains points and the produced series' path
  changes; the pipeline picture shows a live rate on the topic and healthy boxes.
- Messages whose key, value and headers hold `<img src=x onerror=...>`, `</script>` and
  quotes are shown as literal text in the browser and in the dead-letter view, and run
  nothing: no dialog, no global set, no title changed, no element made from them.
- The pipeline runs in Avro (ingest --format avro, process --registry): the Schemas view
  lists the registry's subjects with the versions, latest id and compatibility its own API
  gives, the schema text indented; the topic page links its <topic>-value subject; the
  message browser shows Avro values decoded (the records produced, field by field, with
  their schema id), a markup-bearing Avro field as literal text.
- The management forms do what they say (checked with the admin API and committed
  offsets): create a topic, add partitions, preview and apply an offset reset, delete a
  topic only once its name is typed.
Screenshots of every view go to $SLUICE_SCREENSHOT_DIR (docs/images with
SLUICE_UPDATE_SCREENSHOTS=1, else a temporary directory).
"""
import json
import os
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_support as cs  # noqa: E402

cs.use_venv()

from console_support import check, wait_for  # noqa: E402
from ingest_support import MockApi  # noqa: E402
from process_support import Processor, schema  # noqa: E402
import registry_support as rs  # noqa: E402

TOKEN = "it-0802-" + os.urandom(12).hex()
REG = os.environ.get("SLUICE_TEST_REGISTRY", "http://127.0.0.1:8081/apis/ccompat/v7")
HOSTILE_KEY = "<img src=x onerror=\"window.__xss=1;document.title='pwned';alert(1)\">"
HOSTILE_VALUE = ("</script><script>window.__xss=2;alert(2)</script>"
                 "<img src=x onerror=alert(3)> \"double\" 'single' &amp; <b>bold</b>")
HOSTILE_HEADER = "<svg onload=\"window.__xss=4;alert(4)\">"
PATHS = ["/", "/index.html", "/app.js", "/api/overview", "/api/topics", "/api/groups",
         "/api/dlq", "/api/schemas", "/api/series", "/api/session", "/metrics"]

if os.environ.get("SLUICE_UPDATE_SCREENSHOTS") == "1":
    SHOTS = os.path.join(cs.SOURCE, "docs", "images")
else:
    SHOTS = os.environ.get("SLUICE_SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="sluice-0802-")


def goto_view(page, con, hashpart):
    target = con.url + "/#" + hashpart
    # the mark of the view drawn now: the new one must replace it (the same view with another
    # argument carries the same name)
    before = page.evaluate("() => (document.body && document.body.dataset.rendered) || ''")
    if page.url == target:
        page.reload()  # the same hash again would not draw the view anew
    else:
        page.goto(target)
    view = hashpart.split("/")[0].split("?")[0]
    page.wait_for_function("([v, b]) => { const r = document.body.dataset.rendered || '';"
                           " return r.startsWith(v + ':') && r !== b; }", arg=[view, before],
                           timeout=30000)


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, "console-%s.png" % name))


def cells(row, *cols):
    return tuple(row.locator('td[data-col="%s"]' % c).inner_text().strip() for c in cols)


def num(text):
    return int(text.replace(",", "")) if text not in ("–", "") else None


def check_gate(browser, con):
    ctx = browser.new_context()
    page = ctx.new_page()
    for path in PATHS:
        r = page.goto(con.url + path)
        check(r.status == 401, "%s without a session: %d" % (path, r.status))
        r = ctx.request.get(con.url + path)
        check(r.status == 401, "%s by request without a session: %d" % (path, r.status))
    r = page.goto(con.url + "/")
    check(page.locator('form[action="/login"] input[name=token]').count() == 1, "login form on 401")
    page.fill("input[name=token]", "wrong")
    page.click("button[type=submit]")
    check("That is not the token" in page.inner_text("body"), "wrong token message")
    ctx.close()


def login(browser, con):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(con.url + "/login")
    shot(page, "login")
    page.fill("input[name=token]", TOKEN)
    page.fill("input[name=name]", "it-0802")
    page.click("button[type=submit]")
    page.locator('body[data-rendered^="overview:"]').wait_for(state="attached", timeout=30000)
    cookie = [c for c in ctx.cookies() if c["name"] == "sluice_console"]
    check(cookie and cookie[0]["httpOnly"] and cookie[0]["sameSite"] == "Strict",
          "session cookie %r" % cookie)
    check(TOKEN not in json.dumps(ctx.cookies()), "the token itself is the cookie")
    return ctx, page


def check_overview(page, con):
    brokers, controller = cs.kcat_brokers()
    goto_view(page, con, "overview")

    def rows():
        out = []
        for r in page.locator("#brokers tbody tr").all():
            i, host, port, ctl = cells(r, "id", "host", "port", "controller")
            out.append((int(i), host, int(port), ctl == "yes"))
        return sorted(out)
    check(rows() == sorted((b[0], b[1], b[2], b[0] == controller) for b in brokers),
          "brokers %r vs kcat %r (controller %r)" % (rows(), brokers, controller))
    from cassandra.cluster import Cluster
    host, _, port = cs.CASSANDRA.rpartition(":")
    cl = Cluster([host], port=int(port), connect_timeout=30)
    cl.connect()
    up = sum(1 for h in cl.metadata.all_hosts() if h.is_up)
    down = len(cl.metadata.all_hosts()) - up
    cl.shutdown()
    fig = lambda k: page.locator('[data-fig="%s"] .n' % k).inner_text()  # noqa: E731
    wait_for(lambda: fig("cassandra_up") == str(up) and fig("cassandra_down") == str(down),
             "Cassandra hosts up/down as the driver sees them (%d/%d)" % (up, down), 60)
    md = cs.topics_of_cluster()
    wait_for(lambda: fig("topics") == str(sum(1 for n in md if not n.startswith("_"))),
             "topic count", 60)
    for name in ("ingest", "process"):
        wait_for(lambda: page.locator('tr[data-component="%s"] span[data-health]' % name)
                 .get_attribute("data-health") == "ok", "%s healthy in the overview" % name, 60)
    card = page.locator('.card[data-card="registry"]')
    wait_for(lambda: card.locator("h3 span[data-health]").get_attribute("data-health") == "reachable",
             "the registry reachable in the overview", 60)
    check(REG in card.inner_text(), "registry card %r" % card.inner_text())
    shot(page, "overview")


def check_static_topic(page, con, topic, group):
    wm = cs.watermarks(topic, 3)
    com = cs.committed(group, topic, 3)
    lag = sum(wm[p][1] - o for p, o in com.items() if o is not None)
    goto_view(page, con, "topics")
    row = page.locator('#topics tr[data-topic="%s"]' % topic)
    wait_for(lambda: row.count() == 1, "topic row", 60)
    parts, rf, msgs = cells(row, "partitions", "replication", "messages")
    check((int(parts), int(rf), num(msgs)) == (3, 1, sum(h - lo for lo, h in wm.values())),
          "topic row %r vs %r" % ((parts, rf, msgs), wm))
    wait_for(lambda: row.locator('[data-group="%s"]' % group).get_attribute("data-lag") == str(lag),
             "lag of %s in the topics view = %d" % (group, lag), 60)
    shot(page, "topics")
    goto_view(page, con, "topic/" + topic)
    for p in range(3):
        r = page.locator('#partitions tr[data-partition="%d"]' % p)
        got = tuple(num(x) for x in cells(r, "low", "high", "messages"))
        check(got == (wm[p][0], wm[p][1], wm[p][1] - wm[p][0]), "partition %d: %r vs %r" % (p, got, wm[p]))
    card = page.locator('.card[data-group="%s"]' % group)
    for p in range(3):
        c, lg = cells(card.locator('tr[data-partition="%d"]' % p), "committed", "lag")
        want = com[p]
        check(num(c) == want and num(lg) == (None if want is None else wm[p][1] - want),
              "group %s p%d: %r vs committed %r" % (group, p, (c, lg), want))
    shot(page, "topic")


def check_groups(page, con, live_group, topic, static_group, static_topic):
    goto_view(page, con, "groups")
    card = page.locator('.card[data-group="%s"]' % live_group)
    wait_for(lambda: card.count() == 1 and card.locator("span[data-health]").first.inner_text() == "Stable",
             "live group Stable", 60)
    check(card.locator('[data-fig="members"] .n').inner_text() == "1", "one member")
    check(card.locator('td[data-col="client_id"]').inner_text().strip() != "", "member client id")
    com = cs.committed(static_group, static_topic, 3)
    sc = page.locator('.card[data-group="%s"]' % static_group)
    check(sc.locator("span[data-health]").first.inner_text() == "Empty", "static group Empty")
    for p, want in com.items():
        r = sc.locator('tr[data-partition="%d"]' % p)
        if want is None:
            check(r.count() == 0, "p%d has no commit, yet a row" % p)
        else:
            check(num(cells(r, "committed")[0]) == want, "static group p%d" % p)
    shot(page, "groups")


def check_messages(page, con, topic):
    want = cs.kcat_read(topic, ["-p", "1", "-o", "-5"])
    goto_view(page, con, "messages/%s?partition=1&limit=5" % topic)
    page.locator("#messages").wait_for(timeout=30000)
    rows = page.locator("#messages tbody tr").all()
    got = [(int(r.get_attribute("data-offset")), r.locator('td[data-col="key"]').inner_text())
           for r in rows]
    check(got == sorted(((m["offset"], m["key"]) for m in want), reverse=True),
          "newest 5 of p1: %r vs kcat %r" % (got, [(m["offset"], m["key"]) for m in want]))
    shot(page, "messages")


def no_script_ran(page, dialogs, title):
    check(not dialogs, "a dialog opened: %r" % dialogs)
    check(page.evaluate("() => window.__xss") is None, "a hostile script set window.__xss")
    check(page.title() == title, "the title changed to %r" % page.title())
    for sel in ("#view img", "#view script", "#view b", "#view pre svg", "#view td svg"):
        check(page.locator(sel).count() == 0, "an element %s was made from data" % sel)


def check_hostile(page, con, topic, dlq_topic, dialogs):
    title = "sluice console"
    goto_view(page, con, "messages/%s?from=earliest&limit=10" % topic)
    page.locator("#messages").wait_for(timeout=30000)
    row = page.locator("#messages tbody tr").first
    check(row.locator('td[data-col="key"]').inner_text() == HOSTILE_KEY,
          "key not literal: %r" % row.locator('td[data-col="key"]').inner_text())
    check(row.locator('pre[data-col="value"]').inner_text() == HOSTILE_VALUE, "value not literal")
    check(row.locator('td[data-col="headers"]').inner_text() == "h: " + HOSTILE_HEADER,
          "header not literal: %r" % row.locator('td[data-col="headers"]').inner_text())
    no_script_ran(page, dialogs, title)
    shot(page, "messages-hostile")
    goto_view(page, con, "dlq")
    card = page.locator('.card[data-dlq="%s"]' % dlq_topic)
    wait_for(lambda: card.count() == 1, "dead-letter card", 60)
    # samples sit in closed <details>; their text is there all the same
    values = [v.text_content() for v in card.locator('pre[data-col="value"]').all()]
    check(any("<img src=x onerror=window.__xss=5>" in v for v in values), "hostile dead letter shown "
          "as text: %r" % values)
    no_script_ran(page, dialogs, title)


def check_dlq(page, con, dlq_topic):
    msgs = cs.kcat_read(dlq_topic)
    want = {}
    for m in msgs:
        want[cs.header(m, "reason")] = want.get(cs.header(m, "reason"), 0) + 1
    goto_view(page, con, "dlq")
    card = page.locator('.card[data-dlq="%s"]' % dlq_topic)

    def counts():
        return {r.get_attribute("data-reason"): int(cells(r, "count")[0])
                for r in card.locator("tr[data-reason]").all()}
    wait_for(lambda: counts() == want, "dead letters by reason = kcat's %r" % want, 60)
    shot(page, "dlq")


def check_charts_and_pipeline(page, con, topic):
    goto_view(page, con, "charts")
    chart = page.locator('svg[data-chart="throughput"]')
    n0 = int(chart.get_attribute("data-points"))
    d0 = chart.locator('path[data-series="produced"]').get_attribute("d")
    wait_for(lambda: int(chart.get_attribute("data-points")) >= n0 + 2 and
             chart.locator('path[data-series="produced"]').get_attribute("d") != d0,
             "the throughput chart to gain points and move", 90)
    for s in ("produced", "fetched", "consumed", "written"):
        d = chart.locator('path[data-series="%s"]' % s).get_attribute("d")
        check(d.count("L") >= 1, "series %s has no line: %r" % (s, d[:80]))
    check(page.locator('svg[data-chart="lag"] path[data-series="lag"]').get_attribute("d").count("L") >= 1,
          "lag chart empty")
    shot(page, "charts")
    goto_view(page, con, "pipeline")
    box = lambda k: page.locator('g[data-box="%s"]' % k)  # noqa: E731

    def live():
        line = box("topic").locator('text[data-line="0"]').text_content()  # "in 42.0/s"
        rate = line.split()[1].rstrip("/s")
        return rate not in ("–", "0.0") and all(box(k).get_attribute("data-health") == "ok"
                                               for k in ("ingest", "topic", "process", "table"))
    wait_for(live, "a live rate on the topic and healthy boxes", 90)
    shot(page, "pipeline")


def registry_subject(name):
    """(versions, latest id, compatibility, schema text) from the registry's own API."""
    q = urllib.parse.quote(name, safe="")
    latest = rs.reg_get(REG, "/subjects/%s/versions/latest" % q)
    level = rs.reg_get(REG, "/config/%s?defaultToGlobal=true" % q)["compatibilityLevel"]
    return (", ".join(str(v) for v in sorted(rs.reg_get(REG, "/subjects/%s/versions" % q))),
            str(latest["id"]), level, latest["schema"])


def check_schemas(page, con, topic):
    subject = topic + "-value"

    def table_matches():
        goto_view(page, con, "schemas")
        page.locator("#subjects").wait_for(timeout=30000)
        shown = {r.get_attribute("data-subject"): r for r in page.locator("#subjects tbody tr").all()}
        names = sorted(rs.reg_get(REG, "/subjects"))
        if sorted(shown) != names:  # another test may have changed the registry meanwhile
            return None
        for name in (subject,):
            versions, sid, level, _ = registry_subject(name)
            if cells(shown[name], "versions", "id", "compatibility") != (versions, sid, level):
                return None
        return shown
    shown = wait_for(table_matches, "the Schemas view equal to the registry's API", 120)
    check(cells(shown[subject], "compatibility") == ("FULL",), "the pipeline subject's level")
    check(page.locator("#global-compatibility").inner_text() ==
          rs.reg_get(REG, "/config")["compatibilityLevel"], "global level")
    check(shown[subject].locator('td[data-col="topic"] a').inner_text() == topic, "subject → topic link")
    shot(page, "schemas")
    # topic → subject: the topic page links its value subject, which opens with its schema
    goto_view(page, con, "topic/" + topic)
    link = page.locator("#topic-subject a")
    link.wait_for(timeout=30000)
    check(link.inner_text() == subject, "topic page subject link %r" % link.inner_text())
    link.click()
    page.locator('body[data-rendered^="schemas:"]').wait_for(state="attached", timeout=30000)
    pre = page.locator('#subjects pre[data-col="schema"]')
    pre.wait_for(timeout=30000)
    text = pre.inner_text()
    check(json.loads(text) == json.loads(registry_subject(subject)[3]) and "\n  " in text,
          "schema text shown indented")
    shot(page, "schema")


def avro_records(page, con, topic, want):
    """The message browser on an Avro topic: each row's value is the record produced."""
    goto_view(page, con, "messages/%s?from=earliest&limit=10" % topic)
    page.locator("#messages").wait_for(timeout=30000)
    rows = page.locator("#messages tbody tr").all()
    check(len(rows) == len(want), "%d Avro rows, want %d" % (len(rows), len(want)))
    for r in rows:
        key = r.locator('td[data-col="key"]').inner_text()
        got = json.loads(r.locator('pre[data-col="value"]').inner_text())
        check(got == want[key], "decoded %s: %r, want %r" % (key, got, want[key]))
        check(r.locator(".muted").first.inner_text().startswith("avro, schema id "), "format line")


def check_avro(page, con, topic, avro_topic, dialogs):
    """Avro in the message browser: the live pipeline's topic, then known records."""
    subject = topic + "-value"
    sid = wait_for(lambda: rs.reg_get(REG, "/subjects").count(subject) and
                   rs.reg_get(REG, "/subjects/%s/versions/latest" % subject)["id"], "the subject", 60)
    hostile = dict(rs.user(802), id="6f1c7b36-3b7e-4c52-9a57-0802a0b0c0d0",
                   first_name="<img src=x onerror=\"window.__xss=7;alert(7)\">",
                   last_name="</script><script>window.__xss=8</script>")
    recs = {r["id"]: r for r in (hostile, rs.user(1), rs.user(2))}
    cs.produce(avro_topic, [(0, k, rs.framed(sid, b"".join(rs.avro_string(r[f].encode()) for f in rs.FIELDS)),
                             None) for k, r in recs.items()])
    avro_records(page, con, avro_topic, recs)
    no_script_ran(page, dialogs, "sluice console")
    shot(page, "messages-avro")
    # the live pipeline's own messages are Avro too, decoded
    goto_view(page, con, "messages/%s?partition=0&limit=5" % topic)
    page.locator("#messages").wait_for(timeout=30000)
    for r in page.locator("#messages tbody tr").all():
        key = r.locator('td[data-col="key"]').inner_text()
        if not key.startswith("bad-") and key != "junk":
            rec = json.loads(r.locator('pre[data-col="value"]').inner_text())
            check(sorted(rec) == sorted(rs.FIELDS) and rec["id"] == key, "live Avro row %r" % key)
            check(r.locator(".muted").first.inner_text() == "avro, schema id %d" % sid, "live format line")


def check_manage(page, con, static_topic, static_group):
    new = cs.unique("0802m")
    goto_view(page, con, "manage")
    page.fill('#create-topic input[name=name]', new)
    page.fill('#create-topic input[name=partitions]', "2")
    page.fill('#create-topic input[name=retention_ms]', "7200000")
    page.click('#create-topic button[type=submit]')
    page.locator("#create-result [data-ok]").wait_for(timeout=60000)
    md = cs.topics_of_cluster()
    check(new in md and len(md[new].partitions) == 2, "created topic")
    from confluent_kafka.admin import ConfigResource
    adm = cs.admin()
    res = ConfigResource(ConfigResource.Type.TOPIC, new)
    check(adm.describe_configs([res])[res].result(timeout=30)["retention.ms"].value == "7200000",
          "retention of the new topic")

    goto_view(page, con, "manage")  # the forms list the topics of the newest snapshot
    page.select_option('#add-partitions select[name=topic]', new)
    page.fill('#add-partitions input[name=count]', "4")
    page.click('#add-partitions button[type=submit]')
    page.locator("#add-result [data-ok]").wait_for(timeout=60000)
    wait_for(lambda: len(cs.topics_of_cluster()[new].partitions) == 4, "4 partitions", 60)

    wm = cs.watermarks(static_topic, 3)
    before = cs.committed(static_group, static_topic, 3)
    page.select_option('#reset-offsets select[name=group]', static_group)
    page.select_option('#reset-offsets select[name=topic]', static_topic)
    page.select_option('#reset-offsets select[name=to]', "earliest")
    page.click("#reset-preview")
    page.locator('#reset-result [data-applied="0"]').wait_for(timeout=60000)
    targets = {int(r.get_attribute("data-partition")): int(cells(r, "target")[0])
               for r in page.locator("#reset-plan tbody tr").all()}
    check(targets == {p: wm[p][0] for p in range(3)}, "preview %r vs low %r" % (targets, wm))
    check(cs.committed(static_group, static_topic, 3) == before, "the preview changed offsets")
    shot(page, "manage")
    page.click("#reset-apply")
    page.locator('#reset-result [data-applied="1"]').wait_for(timeout=60000)
    check(cs.committed(static_group, static_topic, 3) == {p: wm[p][0] for p in range(3)},
          "offsets after the reset")

    page.select_option('#delete-topic select[name=topic]', new)
    check(page.locator("#delete-button").is_disabled(), "delete enabled before typing")
    page.fill("#delete-confirm", new[:-1])
    check(page.locator("#delete-button").is_disabled(), "delete enabled with a wrong name")
    page.fill("#delete-confirm", new)
    check(page.locator("#delete-button").is_enabled(), "delete still disabled")
    page.click("#delete-button")
    page.locator("#delete-result [data-ok]").wait_for(timeout=60000)
    wait_for(lambda: new not in cs.topics_of_cluster(), "topic deleted", 60)
    log = con.log_text()
    for what in ("create topic " + new, "add partitions to " + new, "delete topic " + new,
                 "reset offsets of group " + static_group):
        check(any(what in l and "it-0802 (session)" in l for l in log.splitlines()),
              "action not logged with who: " + what)


def setup():
    """The static topic and group, the hostile topic, the live pipeline."""
    static = cs.unique("0802s")
    hostile = cs.unique("0802x")
    adm = cs.admin()
    from confluent_kafka.admin import NewTopic
    for f in adm.create_topics([NewTopic(static, 3, 1), NewTopic(hostile, 1, 1),
                                NewTopic(hostile + "_avro", 1, 1)]).values():
        f.result(timeout=60)
    wait_for(lambda: static in cs.topics_of_cluster() and hostile in cs.topics_of_cluster(),
             "test topics", 60)
    cs.produce(static, [(i % 3, "s-%d" % i, json.dumps({"n": i}), None) for i in range(40)])
    sgroup = static + "-g"
    cs.commit(sgroup, static, {0: 5, 1: 7})
    cs.produce(hostile, [(0, HOSTILE_KEY, HOSTILE_VALUE, [("h", HOSTILE_HEADER)])])
    return static, sgroup, hostile


def main():
    from playwright.sync_api import sync_playwright
    topic, keyspace = schema("0802", partitions=3)
    static, sgroup, hostile = setup()
    mock = MockApi()
    running = []
    try:
        ingest = cs.Ingest(mock.url, topic, "--rate", "40", "--batch", "20", "--duration", "900",
                           "--seed", "it0802", "--format", "avro", "--registry", REG)
        running.append(ingest)
        proc = Processor(topic, keyspace, "--registry", REG, group=topic + "-g")
        running.append(proc)
        template = {"id": "x", "first_name": "<img src=x onerror=window.__xss=5>", "last_name": "l",
                    "email": "a@b.c", "dob": "2000-01-01T00:00:00Z",
                    "registered_date": "2000-01-01T00:00:00Z"}
        cs.produce(topic, [(i % 3, "bad-%d" % i, json.dumps(dict(template, id="not-a-uuid-%d" % i)), None)
                           for i in range(4)] +
                   [(0, "junk", "<script>window.__xss=6</script> not json", None)])
        con = cs.Console("--component", "ingest=" + ingest.url, "--component",
                         "process=http://127.0.0.1:%d" % proc.port, "-t", topic, "-k", keyspace,
                         "--registry", REG, token=TOKEN)
        running.append(con)
        with sync_playwright() as p:
            browser = cs.launch_browser(p)
            check_gate(browser, con)
            ctx, page = login(browser, con)
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            check_overview(page, con)
            check_static_topic(page, con, static, sgroup)
            check_groups(page, con, topic + "-g", topic, sgroup, static)
            check_messages(page, con, static)
            check_hostile(page, con, hostile, topic + ".dlq", dialogs)
            wait_for(lambda: len(cs.kcat_read(topic + ".dlq")) == 5, "5 dead letters", 120)
            check_dlq(page, con, topic + ".dlq")
            check_charts_and_pipeline(page, con, topic)
            check_schemas(page, con, topic)
            check_avro(page, con, topic, hostile + "_avro", dialogs)
            check_manage(page, con, static, sgroup)
            page.click("#logout button")
            page.wait_for_url("**/login")
            r = page.goto(con.url + "/")
            check(r.status == 401, "after logout: %d" % r.status)
            ctx.close()
            browser.close()
        con.stop()
        running.remove(con)
        print("ok: 0802 console in a browser (screenshots in %s)" % SHOTS)
    finally:
        for x in reversed(running):
            if isinstance(x, cs.Console):
                if x.proc.poll() is None:
                    x.proc.kill()
            else:
                x.stop()
        mock.stop()
        cs.drop([topic, topic + ".dlq", static, hostile, hostile + "_avro"], keyspace)
        try:
            rs.reg_post(REG, "/subjects/%s" % urllib.parse.quote(topic + "-value", safe=""), None,
                        method="DELETE")
        except OSError:  # not registered: the test failed before
            pass


if __name__ == "__main__":
    main()
