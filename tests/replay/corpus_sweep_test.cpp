// Every capture of the shared tcpdump corpus (all 830, every link type, many of them built
// to crash dissectors) goes through decode() and both renderers. Under the asan preset this
// is the sanitizer sweep: no crash, no out-of-bounds read, no undefined behaviour, no hang
// (ctest's timeout). Each JSON record must parse with nlohmann whatever the bytes were, and
// each text record must be exactly one line.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "corpus_files.hpp"
#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "pktscope/output.hpp"

namespace pktscope::corpus {
namespace {

struct sweep_totals {
    std::size_t files = 0;
    std::size_t unreadable = 0;   // libpcap refuses to open it
    std::size_t read_errors = 0;  // libpcap stopped part-way (truncated file)
    std::size_t frames = 0;
    std::size_t frames_with_anomalies = 0;
};

// Decodes and renders every frame of one capture, checking each record.
void sweep_capture(const std::filesystem::path& path, sweep_totals& totals) {
    const std::string name = path.filename().string();
    std::optional<pcap_source> source;
    try {
        source.emplace(pcap_source::open_file(path.string()));
    } catch (const capture_error& e) {
        ++totals.unreadable;
        EXPECT_FALSE(std::string(e.what()).empty()) << name << ": empty error message";
        return;
    }
    ++totals.files;
    text_renderer text({.verbose = true, .utc = true});
    fmt::memory_buffer out;
    frame f;
    decoded_packet p;
    for (std::uint64_t number = 1;; ++number) {
        try {
            if (!source->next(f)) break;
        } catch (const capture_error&) {
            ++totals.read_errors;
            break;
        }
        ++totals.frames;
        decode(f, p);
        if (!p.anomalies.empty()) ++totals.frames_with_anomalies;
        const packet_context context{number, {}, std::nullopt};

        out.clear();
        text.render(out, f, p, context);
        const std::string_view line(out.data(), out.size());
        ASSERT_FALSE(line.empty()) << name << "#" << number;
        EXPECT_EQ(line.find('\n'), line.size() - 1)
            << name << "#" << number << ": text record is not one line: " << line;

        out.clear();
        render_packet_json(out, f, p, context);
        const std::string_view record(out.data(), out.size());
        ASSERT_FALSE(record.empty()) << name << "#" << number;
        EXPECT_EQ(record.find('\n'), record.size() - 1) << name << "#" << number;
        const auto json = nlohmann::json::parse(record, nullptr, /*allow_exceptions=*/false);
        ASSERT_FALSE(json.is_discarded()) << name << "#" << number << ": invalid JSON: " << record;
        EXPECT_EQ(json.value("type", ""), "packet") << name << "#" << number;
        EXPECT_EQ(json.value("frame", std::uint64_t{0}), number) << name << "#" << number;
        EXPECT_EQ(json.value("caplen", std::uint64_t{0}), f.caplen) << name << "#" << number;
        EXPECT_EQ(json.value("wirelen", std::uint64_t{0}), f.wirelen) << name << "#" << number;
        if (::testing::Test::HasFailure()) return;  // one report per capture is enough
    }
}

TEST(CorpusSweepTest, EveryCaptureDecodesAndRendersCleanly) {
    const auto captures = capture_files();
    if (captures.empty()) GTEST_SKIP() << "no corpus at " << tcpdump_dir();
    // The corpus README promises 830 captures; fewer means the corpus is not what we test.
    EXPECT_EQ(captures.size(), 830U);
    sweep_totals totals;
    for (const auto& path : captures) {
        sweep_capture(path, totals);
        if (::testing::Test::HasFatalFailure()) return;
    }
    std::printf(
        "sweep: %zu captures opened (%zu refused by libpcap, %zu cut short), %zu frames, "
        "%zu with anomalies\n",
        totals.files, totals.unreadable, totals.read_errors, totals.frames,
        totals.frames_with_anomalies);
    // libpcap must open nearly all of them; a sudden drop means the reader broke.
    EXPECT_GE(totals.files, 800U);
    EXPECT_GT(totals.frames, 10000U);
}

}  // namespace
}  // namespace pktscope::corpus
