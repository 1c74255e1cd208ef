// capture_gen: writes the benchmark captures, deterministically from a seed.
//
//   mixed.pcap    ~2 M packets, ~600 bytes on average: TCP connections with options
//                 (handshakes, data, FIN/RST), some IPv6, DNS over UDP/TCP, ICMP, ~5 % VLAN,
//                 a few bad checksums
//   min_tcp.pcap  2 M minimum-size (60-byte) Ethernet/IPv4/TCP frames
#include <cstdio>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "capture_gen_sessions.hpp"
#include "pktscope/capture.hpp"

namespace {

using pktscope::bench::capture_profile;

void write_capture(const std::filesystem::path& path, capture_profile profile,
                   std::uint64_t packets, std::uint64_t seed) {
    pktscope::bench::traffic_generator gen(profile, seed);
    pktscope::pcap_writer writer(path.string(), pktscope::linktype::en10mb, 262144);
    pktscope::bench::generated_frame g;
    for (std::uint64_t i = 0; i < packets; ++i) {
        gen.next(g);
        pktscope::frame f;
        f.ts_ns = g.ts_ns;
        f.caplen = f.wirelen = static_cast<std::uint32_t>(g.bytes.size());
        f.data = pktscope::as_bytes_of(g.bytes.data(), g.bytes.size());
        writer.write(f);
    }
    writer.flush();
    const auto& c = gen.counts();
    auto pct = [&](std::uint64_t n) {
        return 100.0 * static_cast<double>(n) / static_cast<double>(c.packets);
    };
    fmt::print("{}: {} packets, {:.1f} bytes/packet on average\n", path.string(), c.packets,
               static_cast<double>(c.bytes) / static_cast<double>(c.packets));
    fmt::print(
        "  TCP/IPv4 {:.1f} %, TCP/IPv6 {:.1f} %, UDP DNS {:.1f} %, other UDP {:.1f} %, ICMP {:.1f} "
        "%\n",
        pct(c.tcp_v4), pct(c.tcp_v6), pct(c.udp_dns), pct(c.udp_other), pct(c.icmp));
    fmt::print(
        "  VLAN-tagged {:.1f} %, spoiled checksums {}, TCP connections {}, DNS transactions {}\n",
        pct(c.vlan), c.spoiled_checksums, c.tcp_connections, c.dns_transactions);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("Writes the decoder/sniffer benchmark captures (deterministic for a seed)");
    std::string out_dir = "build/bench-data";
    std::uint64_t packets = 2'000'000;
    std::uint64_t seed = 20240601;
    std::string only;
    app.add_option("-o,--out", out_dir, "Directory for mixed.pcap and min_tcp.pcap")
        ->capture_default_str();
    app.add_option("-n,--packets", packets, "Packets per capture")->capture_default_str();
    app.add_option("--seed", seed, "Random seed (same seed, same bytes)")->capture_default_str();
    app.add_option("--only", only, "Write only this capture")
        ->check(CLI::IsMember({"mixed", "min_tcp"}));
    app.footer("Example:\n  capture_gen -o build/bench-data            (about 1.3 GB, a minute)");
    CLI11_PARSE(app, argc, argv);
    try {
        std::filesystem::create_directories(out_dir);
        const std::filesystem::path dir(out_dir);
        if (only.empty() || only == "mixed")
            write_capture(dir / "mixed.pcap", capture_profile::mixed, packets, seed);
        if (only.empty() || only == "min_tcp")
            write_capture(dir / "min_tcp.pcap", capture_profile::minimum_tcp, packets, seed + 1);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "capture_gen: %s\n", e.what());
        return 1;
    }
    return 0;
}
