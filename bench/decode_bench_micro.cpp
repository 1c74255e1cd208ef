#include "decode_bench_micro.hpp"

#include <pcap/pcap.h>

#include <cstdio>
#include <memory>

#include <benchmark/benchmark.h>

#include "decode_bench_alloc.hpp"
#include "decode_bench_fields.hpp"
#include "pktscope/decode.hpp"
#include "stdio_buffer.hpp"

namespace pktscope::bench {
namespace {

void set_allocs_counter(benchmark::State& state, std::uint64_t allocations_before) {
    state.counters["allocs_per_packet"] =
        static_cast<double>(allocation_count() - allocations_before) /
        static_cast<double>(state.iterations());
}

// One decode() and the field reads per iteration, cycling through the corpus.
void decode_loop(benchmark::State& state, const packet_corpus& corpus, bool verify_checksums) {
    decode_options options;
    options.verify_checksums = verify_checksums;
    decoded_packet p;
    std::uint64_t folded = 0;
    std::size_t i = 0;
    const std::size_t n = corpus.frames.size();
    const std::uint64_t allocations_before = allocation_count();
    for (auto _ : state) {
        decode(corpus.frames[i], p, options);
        folded += pktscope_fields(p);
        if (++i == n) i = 0;
    }
    benchmark::DoNotOptimize(folded);
    state.SetItemsProcessed(state.iterations());
    set_allocs_counter(state, allocations_before);
}

// The libtins equivalent: parse the whole frame into PDUs, find each layer, read the fields.
void libtins_loop(benchmark::State& state, const packet_corpus& corpus) {
    std::uint64_t folded = 0;
    std::size_t i = 0;
    const std::size_t n = corpus.frames.size();
    const std::uint64_t allocations_before = allocation_count();
    for (auto _ : state) {
        const frame& f = corpus.frames[i];
        try {
            const Tins::EthernetII eth(reinterpret_cast<const std::uint8_t*>(f.data.data()),
                                       static_cast<std::uint32_t>(f.data.size()));
            folded += libtins_fields(eth);
        } catch (const Tins::malformed_packet&) {
            ++folded;
        }
        if (++i == n) i = 0;
    }
    benchmark::DoNotOptimize(folded);
    state.SetItemsProcessed(state.iterations());
    set_allocs_counter(state, allocations_before);
}

// libpcap's floor: pcap_next_ex over the whole file, touching nothing. `fopen_1mib` opens the
// FILE ourselves with a page-aligned 1 MiB stdio buffer (as pcap_source does) instead of
// pcap_open_offline.
void pcap_read_loop(benchmark::State& state, const std::string& path, bool fopen_1mib) {
    std::uint64_t packets = 0;
    std::unique_ptr<char[]> buffer;  // the FILE's stdio buffer; pcap_close() closes the FILE
    for (auto _ : state) {
        char errbuf[PCAP_ERRBUF_SIZE] = {};
        pcap_t* handle = nullptr;
        if (fopen_1mib) {
            std::FILE* file = std::fopen(path.c_str(), "rb");
            if (file == nullptr) return state.SkipWithError("cannot open the capture");
            buffer = pktscope::detail::set_capture_file_buffer(file);
            handle =
                pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
        } else {
            handle = pcap_open_offline_with_tstamp_precision(path.c_str(),
                                                             PCAP_TSTAMP_PRECISION_NANO, errbuf);
        }
        if (handle == nullptr) return state.SkipWithError(errbuf);
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        while (pcap_next_ex(handle, &header, &data) == 1) ++packets;
        pcap_close(handle);  // closes the FILE too
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(packets));
}

}  // namespace

void register_micro_benchmarks(const packet_corpus& corpus, const std::string& label) {
    const packet_corpus* c = &corpus;
    benchmark::RegisterBenchmark(("decode_checksums/" + label).c_str(), [c](benchmark::State& s) {
        decode_loop(s, *c, true);
    })->UseRealTime();
    benchmark::RegisterBenchmark(("decode_no_checksums/" + label).c_str(),
                                 [c](benchmark::State& s) { decode_loop(s, *c, false); })
        ->UseRealTime();
    benchmark::RegisterBenchmark(("libtins/" + label).c_str(), [c](benchmark::State& s) {
        libtins_loop(s, *c);
    })->UseRealTime();
    const std::string path = corpus.path;
    benchmark::RegisterBenchmark(("pcap_open_offline/" + label).c_str(),
                                 [path](benchmark::State& s) { pcap_read_loop(s, path, false); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("pcap_fopen_1MiB/" + label).c_str(),
                                 [path](benchmark::State& s) { pcap_read_loop(s, path, true); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
}

parser_parity compare_parsers(const packet_corpus& corpus) {
    parser_parity r;
    decoded_packet p;
    std::uint64_t ours_allocations = 0, tins_allocations = 0;
    for (const frame& f : corpus.frames) {
        ++r.packets;
        const std::uint64_t before_ours = allocation_count();
        decode(f, p);
        const std::uint64_t ours = pktscope_fields(p);
        ours_allocations += allocation_count() - before_ours;
        const std::uint64_t before_tins = allocation_count();
        try {
            const Tins::EthernetII eth(reinterpret_cast<const std::uint8_t*>(f.data.data()),
                                       static_cast<std::uint32_t>(f.data.size()));
            if (libtins_fields(eth) != ours) ++r.field_disagreements;
        } catch (const Tins::malformed_packet&) {
            ++r.libtins_exceptions;
        }
        tins_allocations += allocation_count() - before_tins;
    }
    const auto n = static_cast<double>(r.packets == 0 ? 1 : r.packets);
    r.pktscope_allocs_per_packet = static_cast<double>(ours_allocations) / n;
    r.libtins_allocs_per_packet = static_cast<double>(tins_allocations) / n;
    return r;
}

}  // namespace pktscope::bench
