// Text lines and JSON Lines records of the echo pair. Text and JSON render the same records:
// echo_listening, echo_connection, echo_udp_refused, echo_server_summary (server) and
// echo_client_connection, echo_client_summary (client); the README lists their fields.
#pragma once

#include <fmt/format.h>

#include "pktscope/echo_client.hpp"
#include "pktscope/echo_server.hpp"

namespace pktscope {

/// Appends one text line for a server record.
void render_echo_event_text(fmt::memory_buffer& out, const echo_server_event& event);
/// Appends one JSON record (with '\n') for a server record.
void render_echo_event_json(fmt::memory_buffer& out, const echo_server_event& event);
/// Appends the server's closing totals as text lines.
void render_echo_totals_text(fmt::memory_buffer& out, const echo_server_totals& totals);
/// Appends the closing `echo_server_summary` JSON record.
void render_echo_totals_json(fmt::memory_buffer& out, const echo_server_totals& totals);

/// Appends the client's report as text: totals, RTTs, rate, TCP_INFO RTTs, failures (the
/// first 10 connections' failures; JSON lists all).
void render_echo_client_text(fmt::memory_buffer& out, const echo_client_report& report);
/// Appends one `echo_client_connection` record per connection and the `echo_client_summary`.
void render_echo_client_json(fmt::memory_buffer& out, const echo_client_report& report);

}  // namespace pktscope
