// Rendering of the DNS tracer's records (`pktscope dns`): dns_transaction, dns_chain,
// dns_stats and dns_summary, each as one JSON Lines object and as text. Text and JSON read
// the same record structs; neither computes a fact the other does not show.
#pragma once

#include <fmt/format.h>

#include "pktscope/dns_chain.hpp"
#include "pktscope/dns_stats.hpp"
#include "pktscope/dns_tracker.hpp"
#include "pktscope/output.hpp"

namespace pktscope {

/// Appends one `dns_transaction` JSON object and '\n' (fields as README's schema lists).
void render_dns_transaction_json(fmt::memory_buffer& out, const dns_transaction& t);

/// Appends one `dns_chain` JSON object and '\n': `resolver_ip`, `client` (the client query,
/// a dns_transaction object without "type") and `steps` (upstream transactions, each with
/// its 1-based `step` and `offset_ms` from the client query's first transmission).
void render_dns_chain_json(fmt::memory_buffer& out, const dns_chain& chain);

/// Text knobs for DNS records.
struct dns_text_options {
    bool verbose = false;  ///< -v: TTLs, authority records, EDNS details
};

/// Appends one line for `t`: time, transport, client > server, id, question, then status,
/// RCODE, outcome, latency, answers; `clock` formats the time of day.
void render_dns_transaction_text(fmt::memory_buffer& out, const dns_transaction& t,
                                 text_renderer& clock, const dns_text_options& options = {});

/// Appends the client query line and one indented line per step.
void render_dns_chain_text(fmt::memory_buffer& out, const dns_chain& chain, text_renderer& clock,
                           const dns_text_options& options = {});

/// Appends the `dns_stats` JSON record (--stats): totals, per-server rows with latency
/// percentiles in milliseconds, RCODE / outcome / QTYPE counts, top names.
void render_dns_stats_json(fmt::memory_buffer& out, const dns_stats_report& report);
/// Appends the --stats tables as text.
void render_dns_stats_text(fmt::memory_buffer& out, const dns_stats_report& report);

/// Appends the `dns_summary` JSON record: the tracker's counters (and the chain builder's
/// when `chain` is non-null).
void render_dns_summary_json(fmt::memory_buffer& out, const dns_tracker_counters& counters,
                             const dns_chain_counters* chain);
/// Appends the same counters as one text paragraph.
void render_dns_summary_text(fmt::memory_buffer& out, const dns_tracker_counters& counters,
                             const dns_chain_counters* chain);

}  // namespace pktscope
