// libFuzzer target: arbitrary bytes as a frame of any supported link type (fuzz_frame.hpp)
// through decode() and both renderers, under AddressSanitizer and UBSan.
//
//   build/<dir>/tests/fuzz/decode_fuzzer -jobs=1 -max_total_time=600 CORPUS_DIR SEED_DIR
//
// Every crasher found goes to tests/fuzz/regressions/, which fuzz_regressions_test replays
// in every build.
#include <cstddef>
#include <cstdint>

#include "fuzz_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto f = pktscope::fuzz::frame_from_fuzz_input(data, size);
    if (!f) return 0;
    fmt::memory_buffer out;
    pktscope::fuzz::decode_and_render(*f, out);
    return 0;
}
