// Live: dnsmasq (authoritative for pks.test) and dig in private namespaces, captured with
// `pktscope sniff -i ... -w`, analysed with `pktscope dns -r --json`; every transaction field
// is checked against what dig printed (dig +qr shows the query it sent and the answer it got)
// and pairing and latency against tshark on the same capture.
//
// Scenarios: A, AAAA, a CNAME chain, MX, NXDOMAIN (with SOA), NODATA (with SOA), PTR, a TXT
// answer too big for 512 bytes that dig retries over TCP (TC linked to the TCP retry), EDNS
// off, EDNS with DO + Client Subnet + COOKIE, IPv6 transport, and a query to an address where
// nothing answers (unanswered, with dig's retries linked).
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "dns_dig_output.hpp"
#include "live_support.hpp"

namespace pktscope::testing {
namespace {

using nlohmann::json;

struct scenario {
    std::string name;
    std::string dig_arguments;  // after "dig +qr"
};

const std::vector<scenario> scenarios = {
    {"a", "@10.53.1.2 www.pks.test A"},
    {"aaaa", "@10.53.1.2 www.pks.test AAAA"},
    {"cname", "@10.53.1.2 web.pks.test A"},
    {"cname_restart", "@10.53.1.2 deep.pks.test A"},
    {"mx", "@10.53.1.2 pks.test MX"},
    {"nxdomain", "@10.53.1.2 nothere.pks.test A"},
    {"nodata", "@10.53.1.2 v4only.pks.test AAAA"},
    {"ptr", "@10.53.1.2 -x 10.53.1.80"},
    {"truncated", "@10.53.1.2 +noedns big.pks.test TXT"},
    {"no_edns", "@10.53.1.2 +noedns www.pks.test A"},
    {"edns_do_ecs", "@10.53.1.2 +dnssec +subnet=10.53.0.0/24 www.pks.test A"},
    {"ipv6", "@fd53:1::2 www.pks.test AAAA"},
    {"unanswered", "@10.53.1.99 +tries=3 +time=1 www.pks.test A"},
};

// Everything the suite captured, made once.
struct session {
    bool ready = false;
    std::string setup_error;
    std::map<std::string, dig_result> dig;
    std::map<std::string, std::string> dig_text;
    std::vector<json> records;  // dns_transaction records
    json summary;
    std::string pcap;
    std::string tshark;  // tshark fields of the capture
    std::unique_ptr<temp_dir> dir;
};

session& shared() {
    static session s;
    return s;
}

void make_session(session& s) {
    s.dir = std::make_unique<temp_dir>();
    netns client("dnsc"), server("dnss");
    make_veth(client, "c0", "10.53.1.1/24 fd53:1::1/64", server, "s0", "10.53.1.2/24 fd53:1::2/64");
    // Frames to 10.53.1.99 must leave (ARP would never resolve): a static neighbour with a
    // MAC nobody has. The server's veth drops them; nothing leaves the namespaces.
    client.run("ip neigh add 10.53.1.99 lladdr 02:00:00:00:53:99 dev c0 nud permanent");
    std::string big;
    for (int i = 1; i <= 12; ++i)
        big += " --txt-record=big.pks.test,\"record number " + std::to_string(i) +
               " padding padding padding padding padding padding\"";
    background_process dnsmasq(
        server.exec_prefix() +
            "dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces "
            "--listen-address=10.53.1.2 --listen-address=fd53:1::2 "
            "--auth-server=ns.pks.test,s0 --auth-zone=pks.test,10.53.1.0/24,fd53:1::/64 "
            "--host-record=www.pks.test,10.53.1.80,fd53:1::80 "
            "--host-record=v4only.pks.test,10.53.1.81 "
            "--cname=web.pks.test,www.pks.test --cname=deep.pks.test,alias.pks.test "
            "--cname=alias.pks.test,www.pks.test "
            "--mx-host=pks.test,mail.pks.test,10 --host-record=mail.pks.test,10.53.1.25 "
            "--txt-record=pks.test,\"v=spf1 -all\" "
            "--ptr-record=80.1.53.10.in-addr.arpa,www.pks.test" +
            big + " --log-facility=/dev/null",
        s.dir->file("dnsmasq.log"));
    const bool up = wait_until(
        [&] {
            return client.run("dig +tries=1 +time=1 @10.53.1.2 www.pks.test A +short").output ==
                   "10.53.1.80\n";
        },
        std::chrono::seconds(10));
    if (!up) {
        s.setup_error = "dnsmasq did not answer: " + read_file(s.dir->file("dnsmasq.log"));
        return;
    }
    s.pcap = s.dir->file("dns.pcap");
    background_process sniff(
        client.exec_prefix() + pktscope_binary() + " sniff -i c0 -w " + s.pcap + " -q 'port 53'",
        s.dir->file("sniff.log"));
    // sniff says "listening on c0" once the capture handle is active.
    if (!wait_until(
            [&] {
                return read_file(s.dir->file("sniff.log")).find("listening on") !=
                       std::string::npos;
            },
            std::chrono::seconds(10))) {
        s.setup_error = "sniff did not start: " + read_file(s.dir->file("sniff.log"));
        return;
    }
    for (const scenario& sc : scenarios) {
        const command_result r = client.run("dig +qr +tries=1 +time=2 " + sc.dig_arguments, true,
                                            std::chrono::seconds(20));
        s.dig_text[sc.name] = r.output;
        s.dig[sc.name] = parse_dig(r.output);
        if (std::getenv("PKTSCOPE_DNS_LIVE_DEBUG") != nullptr)
            std::printf("%s\n", r.output.c_str());
    }
    ::usleep(300'000);
    sniff.signal(SIGINT);
    if (sniff.wait(std::chrono::seconds(10)) != 0) {
        s.setup_error = "sniff did not end cleanly: " + read_file(s.dir->file("sniff.log"));
        return;
    }
    const command_result dns = run(pktscope_binary() + " dns -r " + s.pcap + " --json", false);
    if (dns.exit_status != 0) {
        s.setup_error = "pktscope dns failed: " + dns.output;
        return;
    }
    for (const json& j : parse_json_lines(dns.output)) {
        if (j["type"] == "dns_transaction") s.records.push_back(j);
        if (std::getenv("PKTSCOPE_DNS_LIVE_DEBUG") != nullptr)
            std::printf("%s\n", j.dump().c_str());
        if (j["type"] == "dns_summary") s.summary = j;
    }
    s.tshark = run("tshark -n -r " + s.pcap +
                       " -Y 'dns.flags.response == 1' -T fields -e frame.number -e dns.response_to "
                       "-e dns.time",
                   false)
                   .output;
    s.ready = true;
}

class DnsDnsmasqLive : public ::testing::Test {
  protected:
    void SetUp() override {
        PKTSCOPE_REQUIRE_ROOT();
        session& s = shared();
        if (!s.ready && s.setup_error.empty()) make_session(s);
        ASSERT_TRUE(s.ready) << s.setup_error;
    }

    const dig_result& dig(const std::string& name) { return shared().dig.at(name); }

    // The record of the exchange dig printed as sent first (by ID and name; dig's retries
    // reuse the ID). Transport picks UDP or TCP when both carried the question.
    const json* record_for(const std::string& name, const std::string& transport = "") {
        const dig_result& d = dig(name);
        if (d.sent.empty()) return nullptr;
        for (const json& r : shared().records) {
            if (r["id"] != d.sent[0].id) continue;
            if (!transport.empty() && r["transport"] != transport) continue;
            return &r;
        }
        return nullptr;
    }

    // Every field dig shows for its final answer, against the record.
    void expect_matches_dig(const std::string& name, const json& r, const dig_message& sent,
                            const dig_message& got, const dig_result& d) {
        SCOPED_TRACE(name + ":\n" + shared().dig_text[name] + "\nrecord: " + r.dump());
        EXPECT_EQ(r["status"], "answered");
        EXPECT_EQ(r["id"], got.id);
        EXPECT_EQ(r["qname"], got.qname);
        EXPECT_EQ(r["qtype"], got.qtype);
        EXPECT_EQ(r["rcode"], got.status);
        EXPECT_EQ(r["aa"], got.has_flag("aa"));
        EXPECT_EQ(r["tc"], got.has_flag("tc"));
        EXPECT_EQ(r["ra"], got.has_flag("ra"));
        EXPECT_EQ(r["rd"], sent.has_flag("rd"));
        EXPECT_EQ(r["server_ip"], d.server_ip);
        EXPECT_EQ(r["server_port"], d.server_port);
        EXPECT_EQ(r["transport"], d.transport == "TCP" ? "tcp" : "udp");
        ASSERT_EQ(r["answers"].size(), got.answers.size());
        for (std::size_t i = 0; i < got.answers.size(); ++i) {
            EXPECT_EQ(r["answers"][i]["name"], got.answers[i].name);
            EXPECT_EQ(r["answers"][i]["ttl"], got.answers[i].ttl);
            EXPECT_EQ(r["answers"][i]["type"], got.answers[i].type);
            EXPECT_EQ(r["answers"][i]["data"], got.answers[i].data);
        }
        // dig's "Query time" is taken in user space around the exchange: never shorter
        // than the wire latency (it prints whole milliseconds).
        EXPECT_GT(r["latency_ms"].get<double>(), 0.0);
        EXPECT_LE(r["latency_ms"].get<double>(), d.query_time_ms + 1.0);
        // EDNS as dig sent and received it.
        EXPECT_EQ(r.contains("edns"), sent.edns);
        if (sent.edns) {
            EXPECT_EQ(r["edns"]["udp_size"], sent.udp_size);
            EXPECT_EQ(r["edns"]["do"], sent.do_bit);
            EXPECT_EQ(r["edns"].value("client_subnet", ""), sent.client_subnet);
            EXPECT_EQ(r["edns"].value("client_cookie", "") + r["edns"].value("server_cookie", ""),
                      sent.cookie);
        }
        EXPECT_EQ(r.contains("response_edns"), got.edns);
        if (got.edns) {
            EXPECT_EQ(r["response_edns"]["udp_size"], got.udp_size);
        }
        EXPECT_FALSE(r.contains("anomalies"));
    }

    void expect_simple(const std::string& name, const std::string& outcome) {
        const dig_result& d = dig(name);
        ASSERT_EQ(d.sent.size(), 1u) << shared().dig_text[name];
        ASSERT_EQ(d.received.size(), 1u) << shared().dig_text[name];
        const json* r = record_for(name);
        ASSERT_NE(r, nullptr) << name;
        expect_matches_dig(name, *r, d.sent[0], d.received[0], d);
        EXPECT_EQ((*r)["outcome"], outcome);
        EXPECT_EQ((*r)["retransmissions"], 0);
    }
};

TEST_F(DnsDnsmasqLive, A) {
    expect_simple("a", "answer");
}
TEST_F(DnsDnsmasqLive, Aaaa) {
    expect_simple("aaaa", "answer");
}
TEST_F(DnsDnsmasqLive, Mx) {
    expect_simple("mx", "answer");
}
TEST_F(DnsDnsmasqLive, Ptr) {
    expect_simple("ptr", "answer");
}
TEST_F(DnsDnsmasqLive, Ipv6Transport) {
    expect_simple("ipv6", "answer");
    EXPECT_EQ((*record_for("ipv6"))["client_ip"], "fd53:1::1");
}

TEST_F(DnsDnsmasqLive, CnameChain) {
    expect_simple("cname", "answer");
    const json& r = *record_for("cname");
    ASSERT_EQ(r["answers"].size(), 2u);
    EXPECT_EQ(r["answers"][0]["type"], "CNAME");
    EXPECT_EQ(r["answers"][0]["data"], "www.pks.test");
    EXPECT_EQ(r["answers"][1]["type"], "A");
}

TEST_F(DnsDnsmasqLive, CnameToACnameIsARestart) {
    // deep -> alias -> www: dnsmasq answers with the first CNAME only, so a resolver would
    // have to ask again for alias.pks.test.
    expect_simple("cname_restart", "cname");
    const json& r = *record_for("cname_restart");
    ASSERT_EQ(r["answers"].size(), 1u);
    EXPECT_EQ(r["answers"][0]["data"], "alias.pks.test");
}

// Negative answers: the SOA record dig shows in AUTHORITY is the record's `soa`.
void expect_soa(const json& r, const dig_message& got) {
    ASSERT_TRUE(r.contains("soa")) << r.dump();
    ASSERT_FALSE(got.authority.empty());
    EXPECT_EQ(got.authority[0].type, "SOA");
    EXPECT_EQ(r["soa"]["name"], got.authority[0].name);
    EXPECT_EQ(r["soa"]["ttl"], got.authority[0].ttl);
    EXPECT_EQ(r["soa"]["data"], got.authority[0].data);
}

TEST_F(DnsDnsmasqLive, Nxdomain) {
    expect_simple("nxdomain", "nxdomain");
    expect_soa(*record_for("nxdomain"), dig("nxdomain").received[0]);
    EXPECT_EQ((*record_for("nxdomain"))["rcode"], "NXDOMAIN");
}

TEST_F(DnsDnsmasqLive, Nodata) {
    expect_simple("nodata", "nodata");
    expect_soa(*record_for("nodata"), dig("nodata").received[0]);
    EXPECT_EQ((*record_for("nodata"))["rcode"], "NOERROR");
    EXPECT_TRUE((*record_for("nodata"))["answers"].empty());
}

TEST_F(DnsDnsmasqLive, EdnsOff) {
    expect_simple("no_edns", "answer");
    EXPECT_FALSE(record_for("no_edns")->contains("edns"));
}

TEST_F(DnsDnsmasqLive, EdnsDoClientSubnetCookie) {
    expect_simple("edns_do_ecs", "answer");
    const json& e = (*record_for("edns_do_ecs"))["edns"];
    EXPECT_EQ(e["do"], true);
    EXPECT_EQ(e["client_subnet"], "10.53.0.0/24/0");
    EXPECT_EQ(e["client_cookie"].get<std::string>().size(), 16u);
}

TEST_F(DnsDnsmasqLive, TruncatedAnswerRetriedOverTcp) {
    const dig_result& d = dig("truncated");
    ASSERT_TRUE(d.truncated_retry) << shared().dig_text["truncated"];
    ASSERT_FALSE(d.received.empty());
    const json* udp = record_for("truncated", "udp");
    ASSERT_NE(udp, nullptr);
    EXPECT_EQ((*udp)["tc"], true);
    EXPECT_EQ((*udp)["outcome"], "truncated");
    EXPECT_EQ((*udp)["status"], "answered");
    // The TCP retry: the record the UDP one points at, and which points back.
    const json* tcp = nullptr;
    for (const json& r : shared().records)
        if (r["transport"] == "tcp" && r["qname"] == "big.pks.test") tcp = &r;
    ASSERT_NE(tcp, nullptr);
    EXPECT_EQ((*udp)["tcp_retry_frame"], (*tcp)["query_frame"]);
    EXPECT_EQ((*tcp)["truncated_udp_frame"], (*udp)["query_frame"]);
    expect_matches_dig("truncated", *tcp, d.sent.back(), d.received.back(), d);
    EXPECT_EQ((*tcp)["answers"].size(), 12u);
    EXPECT_GE(shared().summary["tcp_retries_linked"], 1);
}

TEST_F(DnsDnsmasqLive, UnansweredWithRetries) {
    const dig_result& d = dig("unanswered");
    ASSERT_TRUE(d.unreachable) << shared().dig_text["unanswered"];
    const json* r = record_for("unanswered");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["status"], "unanswered");
    EXPECT_EQ((*r)["server_ip"], "10.53.1.99");
    EXPECT_EQ((*r)["qname"], "www.pks.test");
    EXPECT_FALSE(r->contains("rcode"));
    EXPECT_FALSE(r->contains("response_frame"));
    // +tries=3: dig sent the query three times (same ID, a new source port each time), and
    // printed each one it sent.
    ASSERT_EQ(d.sent.size(), 3u);
    for (const dig_message& m : d.sent) EXPECT_EQ(m.id, d.sent[0].id);
    EXPECT_EQ((*r)["retransmissions"], d.sent.size() - 1) << r->dump();
    EXPECT_EQ((*r)["retransmission_frames"].size(), d.sent.size() - 1);
    std::size_t unanswered = 0;
    for (const json& x : shared().records)
        if (x["status"] == "unanswered") ++unanswered;
    EXPECT_EQ(unanswered, 1u) << "the retries are not separate transactions";
}

TEST_F(DnsDnsmasqLive, PairingAndLatencyEqualTsharkOnTheSameCapture) {
    std::istringstream lines(shared().tshark);
    std::string line;
    std::size_t compared = 0;
    while (std::getline(lines, line)) {
        std::istringstream f(line);
        std::uint64_t frame = 0, response_to = 0;
        std::string time;
        if (!(f >> frame >> response_to >> time)) continue;
        const json* rec = nullptr;
        for (const json& r : shared().records)
            if (r.value("response_frame", std::uint64_t{0}) == frame) rec = &r;
        ASSERT_NE(rec, nullptr) << "tshark response frame " << frame;
        EXPECT_EQ((*rec)["query_frame"], response_to);
        const std::size_t dot = time.find('.');
        std::string fraction = time.substr(dot + 1);
        fraction.resize(9, '0');
        const std::int64_t ns =
            std::stoll(time.substr(0, dot)) * 1'000'000'000 + std::stoll(fraction);
        EXPECT_EQ(std::llround((*rec)["latency_ms"].get<double>() * 1e6), ns) << "frame " << frame;
        ++compared;
    }
    EXPECT_GE(compared, scenarios.size() - 1);
}

}  // namespace
}  // namespace pktscope::testing

namespace pktscope::testing {
namespace {

// `pktscope dns -i` itself: records appear while the capture runs (an unanswered query is
// reported once --timeout has passed on an idle interface, before the capture ends), and
// SIGINT ends it cleanly with the closing records.
TEST(DnsLiveCapture, RecordsWhileCapturingAndCleanStop) {
    PKTSCOPE_REQUIRE_ROOT();
    temp_dir dir;
    netns client("dlc"), server("dls");
    make_veth(client, "c0", "10.55.1.1/24", server, "s0", "10.55.1.2/24");
    client.run("ip neigh add 10.55.1.99 lladdr 02:00:00:00:55:99 dev c0 nud permanent");
    background_process dnsmasq(
        server.exec_prefix() +
            "dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts "
            "--bind-interfaces --listen-address=10.55.1.2 --auth-server=ns.pks.test,s0 "
            "--auth-zone=pks.test,10.55.1.0/24 --host-record=www.pks.test,10.55.1.80 "
            "--log-facility=/dev/null",
        dir.file("dnsmasq.log"));
    ASSERT_TRUE(wait_until(
        [&] {
            return client.run("dig +tries=1 +time=1 @10.55.1.2 www.pks.test A +short").output ==
                   "10.55.1.80\n";
        },
        std::chrono::seconds(10)));
    const std::string out = dir.file("dns.jsonl");
    background_process dns(client.exec_prefix() + "sh -c 'exec " + pktscope_binary() +
                           " dns -i c0 --json --timeout 1 > " + out + " 2> " + dir.file("dns.err") +
                           "'");
    ASSERT_TRUE(wait_until(
        [&] { return read_file(dir.file("dns.err")).find("listening on") != std::string::npos; },
        std::chrono::seconds(10)))
        << read_file(dir.file("dns.err"));
    const command_result answered = client.run("dig +tries=1 +time=2 @10.55.1.2 www.pks.test A");
    const dig_result d = parse_dig(answered.output);
    client.run("dig +tries=1 +time=1 @10.55.1.99 lost.pks.test A");
    // Both records appear while the capture still runs: the answer at once, the unanswered
    // query after the 1 s timeout of an otherwise idle interface.
    const bool both = wait_until(
        [&] {
            const std::string text = read_file(out);
            return text.find("\"qname\":\"www.pks.test\"") != std::string::npos &&
                   text.find("\"status\":\"unanswered\"") != std::string::npos;
        },
        std::chrono::seconds(15));
    EXPECT_TRUE(both) << read_file(out);
    dns.signal(SIGINT);
    EXPECT_EQ(dns.wait(std::chrono::seconds(10)), 0) << read_file(dir.file("dns.err"));
    std::size_t answered_records = 0, unanswered_records = 0;
    bool summary = false;
    for (const json& j : parse_json_lines(read_file(out))) {
        if (j["type"] == "dns_transaction" && j["status"] == "answered") {
            ++answered_records;
            ASSERT_FALSE(d.received.empty());
            EXPECT_EQ(j["id"], d.received[0].id);
            EXPECT_EQ(j["answers"][0]["data"], "10.55.1.80");
        }
        if (j["type"] == "dns_transaction" && j["status"] == "unanswered") {
            ++unanswered_records;
            EXPECT_EQ(j["server_ip"], "10.55.1.99");
        }
        if (j["type"] == "summary") summary = true;
    }
    EXPECT_EQ(answered_records, 1u);
    EXPECT_EQ(unanswered_records, 1u);
    EXPECT_TRUE(summary) << "the closing records after SIGINT";
}

}  // namespace
}  // namespace pktscope::testing
