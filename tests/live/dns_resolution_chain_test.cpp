// Live: resolution chains on a private DNS hierarchy. Three nsd instances in one namespace
// are the authoritative servers for a private root zone (10.54.1.1), the TLD "test"
// (10.54.1.2) and "example.test" (10.54.1.3); unbound in a second namespace is the recursive
// resolver (clients on 10.54.2.53, upstream from 10.54.1.53) with root hints that name only
// the private root, no trust anchor and no validator, so it never looks past these
// namespaces; dig in a third namespace asks it. The capture on the resolver (`sniff -i any`)
// is analysed with `pktscope dns --chain`: the first query must show root -> TLD ->
// authoritative in order (referrals with the delegated zones the zone files define), a
// repeated question no upstream step (cache), a name in a known zone one step. With
// PKTSCOPE_UPDATE_GOLDENS=1 the capture is kept as tests/replay/data/dns_resolver.pcap.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "dns_dig_output.hpp"
#include "live_support.hpp"

namespace pktscope::testing {
namespace {

using nlohmann::json;

void write(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

std::string nsd_config(const temp_dir& dir, const std::string& name, const std::string& address,
                       const std::string& zone) {
    const std::string d = dir.file(name);
    ::mkdir(d.c_str(), 0755);
    write(d + "/nsd.conf",
          "server:\n"
          "    ip-address: " +
              address +
              "\n"
              "    port: 53\n"
              "    username: \"\"\n"
              "    chroot: \"\"\n"
              "    zonesdir: \"" +
              d +
              "\"\n"
              "    zonelistfile: \"" +
              d +
              "/zone.list\"\n"
              "    database: \"\"\n"
              "    pidfile: \"" +
              d +
              "/nsd.pid\"\n"
              "    xfrdfile: \"" +
              d +
              "/xfrd.state\"\n"
              "    logfile: \"" +
              d +
              "/nsd.log\"\n"
              "    server-count: 1\n"
              "remote-control:\n"
              "    control-enable: no\n"
              "zone:\n"
              "    name: \"" +
              zone +
              "\"\n"
              "    zonefile: \"zone\"\n");
    return d;
}

struct chain_session {
    bool ready = false;
    std::string error;
    std::map<std::string, dig_result> dig;
    std::vector<json> chains;
    std::vector<json> singles;
    std::string text;
};

chain_session& shared() {
    static chain_session s;
    return s;
}

void make_session(chain_session& s) {
    temp_dir dir;
    netns client("chc"), resolver("chr"), servers("chs");
    make_veth(client, "c0", "10.54.2.1/24", resolver, "r0", "10.54.2.53/24");
    make_veth(resolver, "r1", "10.54.1.53/24", servers, "s1",
              "10.54.1.1/24 10.54.1.2/24 10.54.1.3/24");

    const std::string root = nsd_config(dir, "root", "10.54.1.1", ".");
    write(root + "/zone",
          "$TTL 3600\n"
          "@ IN SOA a.root-servers. hostmaster.root-servers. 1 3600 600 86400 3600\n"
          "@ IN NS a.root-servers.\n"
          "a.root-servers. IN A 10.54.1.1\n"
          "test. IN NS ns.nic.test.\n"
          "ns.nic.test. IN A 10.54.1.2\n");
    const std::string tld = nsd_config(dir, "tld", "10.54.1.2", "test");
    write(tld + "/zone",
          "$TTL 3600\n"
          "@ IN SOA ns.nic.test. hostmaster.nic.test. 1 3600 600 86400 3600\n"
          "@ IN NS ns.nic.test.\n"
          "ns.nic IN A 10.54.1.2\n"
          "example IN NS ns.example.test.\n"
          "ns.example IN A 10.54.1.3\n");
    const std::string auth = nsd_config(dir, "auth", "10.54.1.3", "example.test");
    write(auth + "/zone",
          "$TTL 3600\n"
          "@ IN SOA ns.example.test. hostmaster.example.test. 1 3600 600 86400 3600\n"
          "@ IN NS ns.example.test.\n"
          "ns IN A 10.54.1.3\n"
          "www IN A 10.54.3.80\n"
          "web IN CNAME www\n");
    write(dir.file("root.hints"),
          ".               3600000 IN NS a.root-servers.\n"
          "a.root-servers. 3600000 IN A  10.54.1.1\n");
    // No trust anchor and the iterator alone: nothing to fetch, nothing to validate. "test."
    // is one of unbound's built-in empty zones (RFC 6761); nodefault lets it resolve.
    write(dir.file("unbound.conf"),
          "server:\n"
          "    interface: 10.54.2.53\n"
          "    port: 53\n"
          "    access-control: 10.54.0.0/16 allow\n"
          "    outgoing-interface: 10.54.1.53\n"
          "    do-ip6: no\n"
          "    root-hints: \"" +
              dir.file("root.hints") +
              "\"\n"
              "    module-config: \"iterator\"\n"
              "    username: \"\"\n"
              "    chroot: \"\"\n"
              "    directory: \"" +
              dir.path() +
              "\"\n"
              "    pidfile: \"" +
              dir.file("unbound.pid") +
              "\"\n"
              "    use-syslog: no\n"
              "    logfile: \"" +
              dir.file("unbound.log") +
              "\"\n"
              "    prefetch: no\n"
              "    target-fetch-policy: \"0 0 0 0 0\"\n"
              "    local-zone: \"test.\" nodefault\n"
              "remote-control:\n"
              "    control-enable: no\n");

    background_process nsd_root(servers.exec_prefix() + "nsd -d -c " + root + "/nsd.conf",
                                root + "/out.log");
    background_process nsd_tld(servers.exec_prefix() + "nsd -d -c " + tld + "/nsd.conf",
                               tld + "/out.log");
    background_process nsd_auth(servers.exec_prefix() + "nsd -d -c " + auth + "/nsd.conf",
                                auth + "/out.log");
    const bool nsd_up = wait_until(
        [&] {
            return servers.run("dig +tries=1 +time=1 +norec @10.54.1.3 www.example.test A +short")
                       .output == "10.54.3.80\n";
        },
        std::chrono::seconds(15));
    if (!nsd_up) {
        s.error = "nsd did not answer: " + read_file(auth + "/out.log");
        return;
    }
    const std::string pcap = dir.file("chain.pcap");
    background_process sniff(
        resolver.exec_prefix() + pktscope_binary() + " sniff -i any -w " + pcap + " -q",
        dir.file("sniff.log"));
    if (!wait_until(
            [&] {
                return read_file(dir.file("sniff.log")).find("listening on") != std::string::npos;
            },
            std::chrono::seconds(10))) {
        s.error = "sniff did not start: " + read_file(dir.file("sniff.log"));
        return;
    }
    background_process unbound(resolver.exec_prefix() + "unbound -d -c " + dir.file("unbound.conf"),
                               dir.file("unbound.out"));
    if (!wait_until(
            [&] {
                return resolver.run("ss -lun").output.find("10.54.2.53:53") != std::string::npos;
            },
            std::chrono::seconds(15))) {
        s.error = "unbound did not start: " + read_file(dir.file("unbound.out")) +
                  read_file(dir.file("unbound.log"));
        return;
    }
    for (const auto& [name, question] :
         std::vector<std::pair<std::string, std::string>>{{"first", "www.example.test A"},
                                                          {"cname", "web.example.test A"},
                                                          {"cached", "www.example.test A"},
                                                          {"nxdomain", "nothere.example.test A"}}) {
        const command_result r = client.run("dig +qr +tries=1 +time=3 @10.54.2.53 " + question);
        s.dig[name] = parse_dig(r.output);
    }
    ::usleep(300'000);
    sniff.signal(SIGINT);
    if (sniff.wait(std::chrono::seconds(10)) != 0) {
        s.error = "sniff did not end cleanly";
        return;
    }
    // PKTSCOPE_UPDATE_GOLDENS=1 keeps this capture as the replay tests' resolver capture.
    if (const char* update = std::getenv("PKTSCOPE_UPDATE_GOLDENS");
        update != nullptr && std::string(update) == "1")
        run("cp " + pcap + " " + std::string(PKTSCOPE_SOURCE_DIR) +
            "/tests/replay/data/dns_resolver.pcap");
    const command_result r = run(pktscope_binary() + " dns -r " + pcap + " --chain --json", false);
    if (r.exit_status != 0) {
        s.error = "pktscope dns --chain failed: " + r.output;
        return;
    }
    for (const json& j : parse_json_lines(r.output)) {
        if (j["type"] == "dns_chain") s.chains.push_back(j);
        if (j["type"] == "dns_transaction") s.singles.push_back(j);
    }
    s.text = run(pktscope_binary() + " dns -r " + pcap + " --chain --utc", false).output;
    s.ready = true;
}

class DnsChainLive : public ::testing::Test {
  protected:
    void SetUp() override {
        PKTSCOPE_REQUIRE_ROOT();
        chain_session& s = shared();
        if (!s.ready && s.error.empty()) make_session(s);
        ASSERT_TRUE(s.ready) << s.error;
    }

    // The chain of the client query dig printed as `name`.
    const json* chain_for(const std::string& name) {
        const dig_result& d = shared().dig.at(name);
        if (d.sent.empty()) return nullptr;
        for (const json& c : shared().chains)
            if (c["client"]["id"] == d.sent[0].id) return &c;
        return nullptr;
    }

    void expect_client_matches_dig(const json& chain, const std::string& name) {
        const dig_result& d = shared().dig.at(name);
        ASSERT_FALSE(d.received.empty());
        const json& c = chain["client"];
        EXPECT_EQ(chain["resolver_ip"], "10.54.2.53");
        EXPECT_EQ(c["client_ip"], "10.54.2.1");
        EXPECT_EQ(c["qname"], d.received[0].qname);
        EXPECT_EQ(c["rcode"], d.received[0].status);
        EXPECT_EQ(c["rd"], true);
        ASSERT_EQ(c["answers"].size(), d.received[0].answers.size());
        for (std::size_t i = 0; i < c["answers"].size(); ++i) {
            EXPECT_EQ(c["answers"][i]["type"], d.received[0].answers[i].type);
            EXPECT_EQ(c["answers"][i]["data"], d.received[0].answers[i].data);
        }
        // Every step was sent by the resolver's upstream address while the client waited.
        double previous = -1;
        for (const json& step : chain["steps"]) {
            EXPECT_EQ(step["client_ip"], "10.54.1.53");
            EXPECT_EQ(step["rd"], false) << "iterative queries";
            EXPECT_GE(step["offset_ms"].get<double>(), previous);
            previous = step["offset_ms"].get<double>();
            EXPECT_LE(step["query_ts_ns"].get<std::int64_t>(),
                      c["response_ts_ns"].get<std::int64_t>());
        }
    }
};

TEST_F(DnsChainLive, FirstQueryGoesRootThenTldThenAuthoritative) {
    const json* chain = chain_for("first");
    ASSERT_NE(chain, nullptr) << shared().text;
    expect_client_matches_dig(*chain, "first");
    // The referral steps and the answer, in this order (a priming query for "." may come
    // first; with QNAME minimisation the root and the TLD are asked for "test" and
    // "example.test", not the full name).
    std::vector<std::string> path;
    for (const json& step : (*chain)["steps"]) {
        if (step["qname"] == "." && step["qtype"] == "NS") continue;  // priming
        path.push_back(step["server_ip"].get<std::string>() + " " +
                       step["outcome"].get<std::string>() + " " + step.value("delegation", ""));
    }
    EXPECT_EQ(path,
              (std::vector<std::string>{"10.54.1.1 referral test",
                                        "10.54.1.2 referral example.test", "10.54.1.3 answer "}))
        << shared().text;
    const json& last = (*chain)["steps"].back();
    EXPECT_EQ(last["qname"], "www.example.test");
    EXPECT_EQ(last["aa"], true);
    ASSERT_EQ(last["answers"].size(), 1u);
    EXPECT_EQ(last["answers"][0]["data"], "10.54.3.80");
    // The referrals name the servers the zone files delegate to.
    EXPECT_EQ(
        (*chain)["steps"][path.size() == (*chain)["steps"].size() ? 0 : 1]["authority"][0]["data"],
        "ns.nic.test");
}

TEST_F(DnsChainLive, KnownZoneNeedsOneStep) {
    const json* chain = chain_for("cname");
    ASSERT_NE(chain, nullptr) << shared().text;
    expect_client_matches_dig(*chain, "cname");
    ASSERT_EQ((*chain)["steps"].size(), 1u) << shared().text;
    EXPECT_EQ((*chain)["steps"][0]["server_ip"], "10.54.1.3");
    EXPECT_EQ((*chain)["client"]["answers"][0]["type"], "CNAME");
}

TEST_F(DnsChainLive, RepeatedQuestionIsAnsweredFromTheCache) {
    const json* chain = chain_for("cached");
    ASSERT_NE(chain, nullptr) << shared().text;
    expect_client_matches_dig(*chain, "cached");
    EXPECT_TRUE((*chain)["steps"].empty()) << shared().text;
}

TEST_F(DnsChainLive, NxdomainFromTheAuthoritativeServer) {
    const json* chain = chain_for("nxdomain");
    ASSERT_NE(chain, nullptr) << shared().text;
    expect_client_matches_dig(*chain, "nxdomain");
    ASSERT_EQ((*chain)["steps"].size(), 1u);
    EXPECT_EQ((*chain)["steps"][0]["outcome"], "nxdomain");
    EXPECT_EQ((*chain)["steps"][0]["soa"]["name"], "example.test");
}

TEST_F(DnsChainLive, NothingLeftTheHierarchy) {
    // Every upstream query, in a chain or not, went to one of the three private servers.
    auto check = [](const json& t) {
        if (t["client_ip"] != "10.54.1.53") return;
        const std::string server = t["server_ip"];
        EXPECT_TRUE(server == "10.54.1.1" || server == "10.54.1.2" || server == "10.54.1.3")
            << server;
    };
    for (const json& c : shared().chains)
        for (const json& step : c["steps"]) check(step);
    for (const json& t : shared().singles) check(t);
    EXPECT_EQ(shared().chains.size(), 4u) << shared().text;
    EXPECT_NE(shared().text.find("  step 1 +"), std::string::npos) << shared().text;
}

}  // namespace
}  // namespace pktscope::testing
