// Writes every frame of the shared tcpdump corpus whose link type decode() understands as a
// decode_fuzzer seed (fuzz_frame.hpp layout), one file per frame, into a directory under
// build/ (not committed):
//
//   build/<dir>/tests/fuzz/extract_fuzz_seeds ../shared/corpus/tcpdump/pcaps build/<dir>/fuzz-seeds
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz_frame.hpp"
#include "pktscope/capture.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s CAPTURE_DIR SEED_DIR\n", argv[0]);
        return 2;
    }
    namespace fs = std::filesystem;
    const fs::path out_dir = argv[2];
    fs::create_directories(out_dir);
    std::vector<fs::path> captures;
    for (const auto& entry : fs::directory_iterator(argv[1]))
        if (entry.is_regular_file()) captures.push_back(entry.path());
    std::sort(captures.begin(), captures.end());
    std::size_t seeds = 0;
    for (const auto& path : captures) {
        try {
            auto source = pktscope::pcap_source::open_file(path.string());
            const auto index = pktscope::fuzz::fuzz_linktype_index(source.linktype());
            if (!index) continue;
            pktscope::frame f;
            for (std::size_t n = 1; source.next(f); ++n) {
                const std::uint32_t extra = f.wirelen > f.caplen ? f.wirelen - f.caplen : 0;
                const char prefix[pktscope::fuzz::fuzz_prefix_bytes] = {
                    static_cast<char>(*index),
                    static_cast<char>(std::min<std::uint32_t>(extra, 255))};
                std::ofstream out(out_dir / (path.stem().string() + "-" + std::to_string(n)),
                                  std::ios::binary);
                out.write(prefix, sizeof prefix);
                out.write(reinterpret_cast<const char*>(f.data.data()),
                          static_cast<std::streamsize>(f.data.size()));
                ++seeds;
            }
        } catch (const pktscope::capture_error& e) {
            std::fprintf(stderr, "%s\n", e.what());  // unreadable or cut short: keep the rest
        }
    }
    std::printf("%zu seeds written to %s\n", seeds, out_dir.c_str());
    return 0;
}
