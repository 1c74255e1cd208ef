#include "source_options.hpp"

#include <cstdio>

namespace pktscope::tools {

std::string source_options::filter() const {
    std::string out;
    for (const std::string& word : filter_words) {
        if (!out.empty()) out.push_back(' ');
        out += word;
    }
    return out;
}

void add_source_options(CLI::App* cmd, source_options& o) {
    cmd->add_option("-r,--read", o.read_path, "Read packets from a pcap or pcapng file")->type_name("FILE");
    cmd->add_option("-i,--interface", o.interface, "Capture live on this interface (or 'any')")
        ->type_name("IFACE");
    cmd->add_option("-c,--count", o.count, "Stop after this many packets")->type_name("N");
    cmd->add_option("-s,--snaplen", o.snaplen, "Bytes to capture per packet (live)")
        ->type_name("BYTES")->check(CLI::Range(64, 262144));
    cmd->add_option("-B,--buffer-size", o.buffer_size_kib, "Kernel capture buffer in KiB (live)")
        ->type_name("KIB")->check(CLI::Range(64, 1 << 21));
    cmd->add_flag("-p,--no-promiscuous-mode", o.no_promiscuous, "Do not put the interface in promiscuous mode");
    cmd->add_option("-Q,--direction", o.direction, "Capture only packets in this direction (live)")
        ->check(CLI::IsMember({"in", "out", "inout"}));
    cmd->add_flag("--no-immediate", o.no_immediate,
                  "Batch packet delivery (higher throughput, more latency)");
    cmd->add_option("filter", o.filter_words, "BPF filter expression (tcpdump syntax), e.g. tcp port 53")
        ->type_name("EXPR");
}

pcap_source open_source(const source_options& o) {
    if (o.read_path.empty() == o.interface.empty())
        throw capture_error("give exactly one of -r FILE or -i INTERFACE");
    if (!o.read_path.empty()) {
        pcap_source source = pcap_source::open_file(o.read_path, o.filter());
        if (!linktype_supported(source.linktype()))
            throw capture_error(o.read_path + ": link type " + linktype_name(source.linktype()) + " (" +
                                std::to_string(source.linktype()) +
                                ") is not decoded by pktscope (supported: EN10MB, LINUX_SLL, "
                                "LINUX_SLL2, NULL, LOOP, RAW, IPV4, IPV6)");
        return source;
    }
    live_options live;
    live.device = o.interface;
    live.snaplen = o.snaplen;
    live.buffer_size_bytes = o.buffer_size_kib * 1024;
    live.promiscuous = !o.no_promiscuous;
    live.immediate = !o.no_immediate;
    live.direction = o.direction;
    return pcap_source::open_live(live, o.filter());
}

void announce_capture(const source_options& o, const pcap_source& source) {
    if (!o.live()) return;
    std::fprintf(stderr, "pktscope: listening on %s, link-type %s, snapshot length %d bytes\n",
                 o.interface.c_str(), linktype_name(source.linktype()).c_str(), source.snaplen());
}

}  // namespace pktscope::tools
