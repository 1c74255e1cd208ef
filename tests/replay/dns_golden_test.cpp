// Golden tests: `pktscope dns -r` text (plain, -v, --stats), JSON Lines (plain and --stats)
// and, for the resolver capture, --chain text and JSON, on every capture in captures/, the
// resolver capture tests/replay/data/dns_resolver.pcap and the hostile regression captures,
// diffed against tests/replay/golden/dns/. The goldens were produced by this code and checked:
// pairing, latency, names and RCODEs against tshark (dns_tshark_test.cpp keeps checking
// captures/ and the resolver capture), the hostile ones' anomalies by hand (dns_hostile_test).
// Regenerate with PKTSCOPE_UPDATE_GOLDENS=1 (or --update-goldens).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "live_support.hpp"

namespace pktscope::testing {
namespace {

namespace fs = std::filesystem;

bool update_goldens() {
    const char* env = std::getenv("PKTSCOPE_UPDATE_GOLDENS");
    return env != nullptr && std::string(env) == "1";
}

fs::path source_dir() {
    return fs::path(PKTSCOPE_SOURCE_DIR);
}

std::vector<fs::path> captures() {
    std::vector<fs::path> out;
    for (const fs::path& dir :
         {source_dir() / "captures", source_dir() / "tests/replay/data/dns_hostile"})
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.path().extension() == ".pcap") out.push_back(entry.path());
    out.push_back(source_dir() / "tests/replay/data/dns_resolver.pcap");
    std::sort(out.begin(), out.end());
    return out;
}

struct variant {
    const char* suffix;
    const char* arguments;
    bool resolver_only;
};
constexpr variant variants[] = {
    {".txt", "--utc", false},
    {".v.txt", "--utc -v", false},
    {".stats.txt", "--utc --stats", false},
    {".jsonl", "--json", false},
    {".stats.jsonl", "--json --stats -q", false},
    {".chain.txt", "--utc --chain", true},
    {".chain.jsonl", "--json --chain", true},
};

TEST(DnsGoldenTest, EveryCaptureMatchesItsGoldens) {
    const auto files = captures();
    ASSERT_GE(files.size(), 10U);
    const fs::path golden_dir = source_dir() / "tests/replay/golden/dns";
    if (update_goldens()) fs::create_directories(golden_dir);
    for (const fs::path& pcap : files) {
        const bool resolver = pcap.filename() == "dns_resolver.pcap";
        for (const variant& v : variants) {
            if (v.resolver_only && !resolver) continue;
            // stderr is left out: the text summary goes there, and the golden is stdout.
            const command_result r = run(pktscope_binary() + " dns -r '" + pcap.string() + "' " +
                                             v.arguments + " 2>/dev/null",
                                         false);
            ASSERT_EQ(r.exit_status, 0) << pcap << " " << v.arguments;
            // The meta record names the source path; keep it relative (it varies by checkout).
            std::string output = r.output;
            const std::string full = "file " + pcap.string();
            const std::string relative = "file " + fs::relative(pcap, source_dir()).string();
            for (auto at = output.find(full); at != std::string::npos; at = output.find(full, at))
                output.replace(at, full.size(), relative);
            const fs::path golden = golden_dir / (pcap.stem().string() + v.suffix);
            if (update_goldens()) {
                std::ofstream(golden, std::ios::binary) << output;
                continue;
            }
            EXPECT_EQ(output, read_file(golden.string()))
                << "golden mismatch for " << golden << "; rerun with PKTSCOPE_UPDATE_GOLDENS=1 "
                << "after checking the new output against tshark";
        }
    }
}

}  // namespace
}  // namespace pktscope::testing

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::string(argv[i]) == "--update-goldens") ::setenv("PKTSCOPE_UPDATE_GOLDENS", "1", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
