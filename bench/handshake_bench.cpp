// handshake_bench: what following TCP handshakes costs (issue 5, section 3), in one run.
//
// 1. Whole processes on the 2-million-packet mixed capture (bench/capture_gen): decode-only
//    `pktscope sniff -r FILE --json -q`, `pktscope handshakes -r FILE --json` (records to /dev/null)
//    and `tshark -r FILE -q -z conv,tcp`; best wall time of --runs, packets per second and the
//    ratios the issue targets (handshakes >= 1/2 of decode-only, >= 50x tshark).
// 2. A SYN flood of --flood-attempts distinct attempts: peak RSS of `pktscope handshakes` with
//    the default table size, and every attempt reported as S0/timeout.
// 3. Micro-benchmarks (Google Benchmark): decode alone, and decode + tracker, per packet, over
//    the first packets of the mixed capture held in memory (the difference is the tracker).
//
//   build/<dir>/bench/capture_gen -o build/bench-data --only mixed   (once)
//   build/<dir>/bench/handshake_bench --mixed build/bench-data/mixed.pcap
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <memory>
#include <vector>

#include "handshake_syn_flood.hpp"
#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "pktscope/handshake.hpp"
#include "sniff_bench_process.hpp"

namespace {

namespace fs = std::filesystem;
using pktscope::bench::process_run;

// The first `limit` frames of a capture, owned (libpcap's buffers are reused).
struct stored_frames {
    std::vector<std::vector<std::byte>> bytes;
    std::vector<pktscope::frame> frames;
};

stored_frames load_frames(const std::string& path, std::size_t limit) {
    stored_frames s;
    pktscope::pcap_source source = pktscope::pcap_source::open_file(path);
    pktscope::frame f;
    while (s.bytes.size() < limit && source.next(f))
        s.bytes.emplace_back(f.data.begin(), f.data.end());
    source = pktscope::pcap_source::open_file(path);
    for (std::size_t i = 0; i < s.bytes.size() && source.next(f); ++i) {
        f.data = pktscope::byte_span(s.bytes[i]);
        s.frames.push_back(f);
    }
    return s;
}

std::uint64_t count_packets(const std::string& path) {
    pktscope::pcap_source source = pktscope::pcap_source::open_file(path);
    pktscope::frame f;
    std::uint64_t n = 0;
    while (source.next(f)) ++n;
    return n;
}

const stored_frames* g_frames = nullptr;

// Decode only: the baseline the tracker's cost is measured against (a vector of pre-decoded
// packets would be far larger than the caches and measure memory, not the tracker).
void BM_decode_per_packet(benchmark::State& state) {
    pktscope::decoded_packet p;
    pktscope::decode_options options;
    options.decode_dns = false;
    std::uint64_t tcp = 0;
    for (auto _ : state) {
        for (const pktscope::frame& f : g_frames->frames) {
            pktscope::decode(f, p, options);
            tcp += p.tcp.has_value();
        }
    }
    benchmark::DoNotOptimize(tcp);
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(g_frames->frames.size()));
}

// Decode + tracker, as `pktscope handshakes` does per packet.
void BM_decode_and_track_per_packet(benchmark::State& state) {
    pktscope::decoded_packet p;
    std::uint64_t records = 0;
    for (auto _ : state) {
        pktscope::handshake_tracker tracker(
            {}, {nullptr, [&records](const pktscope::tcp_connection&) { ++records; }});
        for (std::size_t i = 0; i < g_frames->frames.size(); ++i) {
            pktscope::decode(g_frames->frames[i], p);
            tracker.process(g_frames->frames[i], p, i + 1);
        }
        tracker.flush();
    }
    benchmark::DoNotOptimize(records);
    state.SetItemsProcessed(state.iterations() *
                            static_cast<std::int64_t>(g_frames->frames.size()));
}

process_run best_of(int runs, const std::vector<std::string>& argv, const std::string& err) {
    process_run best;
    for (int i = 0; i < runs; ++i) {
        const process_run r = pktscope::bench::run_process(argv, err);
        if (r.exit_status != 0)
            throw std::runtime_error(argv[0] + " failed (" + std::to_string(r.exit_status) +
                                     "): " + r.stderr_tail);
        if (i == 0 || r.wall_s < best.wall_s) best = r;
    }
    return best;
}

void whole_processes(const std::string& mixed, int runs, bool with_tshark,
                     const fs::path& scratch) {
    const std::uint64_t packets = count_packets(mixed);
    const std::string err = (scratch / "handshake_bench-stderr.txt").string();
    fmt::print("\n== whole processes on {} ({} packets, {:.0f} MB), best of {} runs\n", mixed,
               packets, static_cast<double>(fs::file_size(mixed)) / 1e6, runs);
    // `--json -q`: every packet decoded (anomaly counts in the summary), none printed. Plain
    // `-q` no longer decodes at all (a silent capture only writes), so it is no baseline.
    const process_run sniff =
        best_of(runs, {PKTSCOPE_BINARY, "sniff", "-r", mixed, "--json", "-q"}, err);
    const process_run hs =
        best_of(runs, {PKTSCOPE_BINARY, "handshakes", "-r", mixed, "--json"}, err);
    auto row = [&](const char* name, const process_run& r) {
        fmt::print(
            "  {:<40} {:8.3f} s wall {:8.3f} s cpu {:10.0f} packets/s {:7.1f} ns/packet  peak RSS "
            "{:6.1f} MB\n",
            name, r.wall_s, r.cpu_s, static_cast<double>(packets) / r.wall_s,
            r.wall_s * 1e9 / static_cast<double>(packets),
            static_cast<double>(r.peak_rss_kib) / 1024);
    };
    row("pktscope sniff -r FILE --json -q (decode only)", sniff);
    row("pktscope handshakes -r FILE --json", hs);
    // On a shared machine wall time depends on the neighbours; CPU time (user + system) of
    // the process itself is the steadier measure, so both ratios are shown.
    const double vs_decode = sniff.wall_s / hs.wall_s;
    const double vs_decode_cpu = sniff.cpu_s / hs.cpu_s;
    fmt::print(
        "  handshakes / decode-only speed: {:.2f} by wall time, {:.2f} by CPU time (target >= "
        "0.50: {})\n",
        vs_decode, vs_decode_cpu, std::max(vs_decode, vs_decode_cpu) >= 0.5 ? "met" : "NOT met");
    if (!with_tshark) return;
    const process_run tshark = best_of(1, {"tshark", "-r", mixed, "-q", "-z", "conv,tcp"}, err);
    row("tshark -r FILE -q -z conv,tcp", tshark);
    const double vs_tshark = tshark.wall_s / hs.wall_s;
    const double vs_tshark_cpu = tshark.cpu_s / hs.cpu_s;
    fmt::print(
        "  handshakes vs tshark: {:.1f}x faster by wall time, {:.1f}x by CPU time (target >= 50x: "
        "{}); "
        "decode-only sniff vs tshark: {:.1f}x by CPU time\n",
        vs_tshark, vs_tshark_cpu, std::max(vs_tshark, vs_tshark_cpu) >= 50 ? "met" : "NOT met",
        tshark.cpu_s / sniff.cpu_s);
}

void syn_flood(std::uint64_t attempts, const fs::path& scratch) {
    const fs::path file = scratch / ("handshake_syn_flood_" + std::to_string(attempts) + ".pcap");
    // 100 000 SYNs a second, and the capture going on 40 s after the last one (longer than
    // the 30 s default attempt timeout): every attempt must end as S0/timeout.
    if (!fs::exists(file))
        pktscope::bench::write_syn_flood(file.string(), attempts, 10'000, 40'000'000'000);
    fmt::print("\n== SYN flood: {} distinct attempts ({}), default table size ({} connections)\n",
               attempts, file.string(), pktscope::handshake_options{}.max_connections);
    const pktscope::bench::flood_run r =
        pktscope::bench::run_handshakes_on_flood(PKTSCOPE_BINARY, file.string(), "");
    fmt::print("  {:.3f} s wall, peak RSS {:.1f} MB (target < 256 MB: {})\n", r.wall_s,
               static_cast<double>(r.peak_rss_kib) / 1024,
               r.peak_rss_kib < 256 * 1024 ? "met" : "NOT met");
    fmt::print("  {} records, {} of them S0/timeout (every attempt reported: {})\n", r.records,
               r.s0_timeout, r.s0_timeout == attempts && r.records == attempts ? "yes" : "NO");
    fmt::print("  summary: {}\n", r.summary);
    if (r.exit_status != 0) fmt::print("  pktscope exited with {}\n", r.exit_status);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app(
        "handshake_bench: TCP handshake tracer throughput and memory (issue 5, section 3)");
    std::string mixed = "build/bench-data/mixed.pcap";
    std::string scratch = "build/bench-data";
    int runs = 3;
    std::uint64_t flood_attempts = 1'000'000;
    std::size_t micro_packets = 200'000;
    bool no_tshark = false, no_micro = false, no_whole = false, no_flood = false;
    app.add_option("--mixed", mixed, "The mixed capture (bench/capture_gen --only mixed)")
        ->capture_default_str();
    app.add_option("--scratch", scratch, "Directory for the generated SYN flood")
        ->capture_default_str();
    app.add_option("--runs", runs, "Runs per pktscope process (the best wall time counts)")
        ->capture_default_str();
    app.add_option("--flood-attempts", flood_attempts,
                   "Distinct connection attempts in the SYN flood")
        ->capture_default_str();
    app.add_option("--micro-packets", micro_packets,
                   "Packets held in memory for the micro-benchmarks")
        ->capture_default_str();
    app.add_flag("--no-tshark", no_tshark, "Skip the tshark run (it takes minutes)");
    app.add_flag("--no-micro", no_micro, "Skip the Google Benchmark micro-benchmarks");
    app.add_flag("--no-whole", no_whole, "Skip the whole-process comparison");
    app.add_flag("--no-flood", no_flood, "Skip the SYN flood");
    app.allow_extras();  // --benchmark_* flags go to Google Benchmark
    CLI11_PARSE(app, argc, argv);
    try {
        fs::create_directories(scratch);
        const bool have_mixed = fs::exists(mixed);
        if (!have_mixed && (!no_micro || !no_whole))
            fmt::print(
                "{} is missing: make it with `capture_gen -o {} --only mixed`; skipping the parts "
                "that "
                "need it\n",
                mixed, scratch);
        // Whole processes first: a forked child's peak RSS includes its parent's pages until
        // it execs, so the frames held for the micro-benchmarks must not exist yet.
        if (have_mixed && !no_whole) whole_processes(mixed, runs, !no_tshark, scratch);
        if (!no_flood) syn_flood(flood_attempts, scratch);
        stored_frames frames;
        if (have_mixed && !no_micro) {
            frames = load_frames(mixed, micro_packets);
            g_frames = &frames;
            benchmark::RegisterBenchmark("decode_per_packet", BM_decode_per_packet)
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark("decode_and_track_per_packet",
                                         BM_decode_and_track_per_packet)
                ->Unit(benchmark::kMillisecond);
            std::vector<char*> bench_args{argv[0]};
            for (const std::string& extra : app.remaining())
                bench_args.push_back(const_cast<char*>(extra.c_str()));
            int bench_argc = static_cast<int>(bench_args.size());
            benchmark::Initialize(&bench_argc, bench_args.data());
            fmt::print(
                "== micro-benchmarks: the first {} packets of {} in memory (items/s = packets/s)\n",
                frames.frames.size(), mixed);
            benchmark::RunSpecifiedBenchmarks();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "handshake_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
