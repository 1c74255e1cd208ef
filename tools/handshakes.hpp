// `pktscope handshakes`: shared pieces of the passive (handshakes.cpp) and active
// (handshakes_active.cpp) modes.
#pragma once

#include <cstdint>
#include <string>

#include "pktscope/handshake.hpp"
#include "pktscope/handshake_output.hpp"
#include "pktscope/output.hpp"
#include "source_options.hpp"

namespace pktscope::tools {

/// Everything `pktscope handshakes` accepts on its command line.
struct handshakes_options {
    source_options source;
    bool json = false;
    bool explain = false;
    bool ladder = false;
    bool utc = false;
    bool no_checksums = false;
    std::string user;                      ///< -Z
    std::size_t max_connections = 262144;  ///< --max-connections
    double idle_timeout_s = 300;           ///< --idle-timeout
    double attempt_timeout_s = 30;         ///< --attempt-timeout
    double linger_s = 5;                   ///< --linger
    // Active mode.
    std::string connect;         ///< --connect HOST:PORT
    unsigned connections = 1;    ///< -n
    unsigned interval_ms = 200;  ///< --interval
    unsigned wait_ms = 1000;     ///< --wait: how long to wait for replies
    bool syn = false;            ///< --syn: half-open probes from a raw socket
};

/// The tracker settings the options ask for.
handshake_options tracker_options(const handshakes_options& o);

/// Renders records as the options ask: text line or JSON record, then --explain and --ladder.
class record_printer {
  public:
    record_printer(output_stream& out, const handshakes_options& o) noexcept
        : out_(out),
          clock_({false, o.utc}),
          json_(o.json),
          explain_(o.explain),
          ladder_(o.ladder) {}
    /// A connection's final record.
    void record(const tcp_connection& c);
    /// Live mode's line for a handshake that just completed.
    void handshake(const tcp_connection& c);
    text_renderer& clock() noexcept { return clock_; }
    bool json() const noexcept { return json_; }

  private:
    output_stream& out_;
    text_renderer clock_;
    bool json_;
    bool explain_;
    bool ladder_;
};

/// Appends the tracker's totals to `summary` (its analyzer section).
void add_handshake_totals(capture_summary& summary, const handshake_tracker& tracker,
                          std::size_t max_connections);

/// Active mode: opens connections (or half-open SYN probes) to o.connect while capturing them,
/// prints each wire-side record next to the socket-side view. Returns the exit status.
int run_active_handshakes(const handshakes_options& o);

}  // namespace pktscope::tools
