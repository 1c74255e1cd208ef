// Rendering of the handshake tracker's records: `tcp_connection` as a text line or a JSON Lines
// record, the --explain steps, the --ladder diagram, live mode's "handshake completed" line and
// the handshake counters of the summary. Text and JSON render the same record fields.
#pragma once

#include <fmt/format.h>

#include "pktscope/handshake.hpp"
#include "pktscope/output.hpp"

namespace pktscope {

/// Appends one `tcp_connection` JSON record (with '\n'): every field of the record; `explain`
/// and `ladder` arrays when the record carries details. Durations as `_ms` (6 decimals).
void render_connection_json(fmt::memory_buffer& out, const tcp_connection& connection);

/// Appends one text line (with '\n') with the same fields as the JSON record; `clock` formats
/// the first packet's time of day.
void render_connection_text(fmt::memory_buffer& out, const tcp_connection& connection,
                            text_renderer& clock);

/// Appends the --explain lines (each frame's conclusion, endpoint states, the final rules).
/// Nothing when the record has no explain steps.
void render_connection_explain(fmt::memory_buffer& out, const tcp_connection& connection);

/// Appends the --ladder diagram (client | server columns, arrows with flags, relative seq/ack,
/// time since the first packet and since the previous one). Nothing without ladder rows.
void render_connection_ladder(fmt::memory_buffer& out, const tcp_connection& connection);

/// Appends live mode's `tcp_handshake` JSON record: a handshake just completed (RTTs set).
void render_handshake_json(fmt::memory_buffer& out, const tcp_connection& connection);

/// Appends live mode's text line for a completed handshake.
void render_handshake_text(fmt::memory_buffer& out, const tcp_connection& connection,
                           text_renderer& clock);

/// The tracker's totals for the summary record.
struct handshake_summary {
    handshake_counters counters;
    flow_table_counters table;
    std::size_t max_connections = 0;
};

/// Appends the `connections` object of the summary as `"connections":{...}` (a JSON member,
/// without surrounding braces), for render_summary_json's analyzer section.
void render_handshake_summary_json(fmt::memory_buffer& out, const handshake_summary& summary);

/// Appends the tracker's totals as text lines.
void render_handshake_summary_text(fmt::memory_buffer& out, const handshake_summary& summary);

}  // namespace pktscope
