// Replays every input in tests/fuzz/regressions/ (each one made decode_fuzzer crash or report
// once) through decode() and both renderers exactly as the fuzzer ran it, in every build, so
// a fixed crash cannot come back. Under the asan preset an over-read fails the test too.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <vector>

#include "fuzz_frame.hpp"

namespace pktscope::fuzz {
namespace {

std::vector<std::filesystem::path> regression_inputs() {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(PKTSCOPE_FUZZ_REGRESSIONS_DIR))
        if (entry.is_regular_file() && entry.path().filename() != "README.md")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

TEST(FuzzRegressionsTest, EveryCrasherDecodesAndRendersCleanly) {
    const auto files = regression_inputs();
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        // Exactly the input's size, so ASan sees a read past its end.
        const std::vector<std::uint8_t> input{std::istreambuf_iterator<char>(in), {}};
        const auto f = frame_from_fuzz_input(input.data(), input.size());
        if (!f) continue;
        fmt::memory_buffer out;
        decode_and_render(*f, out);
        EXPECT_GT(out.size(), 0U) << path.filename();

        const decoded_packet p = decode(*f);
        out.clear();
        render_packet_json(out, *f, p, packet_context{1, {}, std::nullopt});
        const auto json = nlohmann::json::parse(std::string_view(out.data(), out.size()), nullptr,
                                                /*allow_exceptions=*/false);
        EXPECT_FALSE(json.is_discarded()) << path.filename() << ": " << fmt::to_string(out);
    }
    std::printf("replayed %zu fuzz regression inputs\n", files.size());
}

}  // namespace
}  // namespace pktscope::fuzz
