// The SYN-flood part of handshake_bench: a capture of N distinct connection attempts (one SYN
// each, nothing answered), and a run of `pktscope handshakes -r` on it that counts the records
// it prints and reads its peak resident set size.
#pragma once

#include <cstdint>
#include <string>

namespace pktscope::bench {

/// Writes `attempts` SYNs (Ethernet/IPv4/TCP with MSS, SACK, timestamps and window scale
/// options), each from its own source address and port to 192.0.2.1:80, `spacing_ns` apart,
/// then one UDP packet `tail_ns` after the last SYN: the capture goes on after the flood, so an
/// attempt timeout shorter than that expires every attempt before the end.
void write_syn_flood(const std::string& path, std::uint64_t attempts, std::int64_t spacing_ns,
                     std::int64_t tail_ns);

/// What `pktscope handshakes -r FLOOD --json` printed and used.
struct flood_run {
    double wall_s = 0;
    long peak_rss_kib = 0;  ///< the child's ru_maxrss
    int exit_status = 0;
    std::uint64_t records = 0;     ///< tcp_connection records
    std::uint64_t s0_timeout = 0;  ///< of which conn_state S0 with end timeout
    std::string summary;           ///< the closing summary record
};

/// Runs `binary handshakes -r capture --json [extra]`, reading its standard output as it comes.
flood_run run_handshakes_on_flood(const std::string& binary, const std::string& capture,
                                  const std::string& extra);

}  // namespace pktscope::bench
