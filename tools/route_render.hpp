// Text and JSON renderings of `route` records: route_decision (with the kernel's answer when
// checked), CIDR arithmetic and trace hops. Both renderings read the same values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "pktscope/hop_probe.hpp"
#include "pktscope/kernel_routes.hpp"
#include "pktscope/route_table.hpp"

namespace pktscope::tools {

/// The kernel's answer and how it compares with ours (--check).
struct kernel_check {
    kernel_route_answer answer;
    std::vector<std::string> differences;  ///< empty = agreement
};

/// Compares our decision with the kernel's answer, field by field.
kernel_check compare_with_kernel(const route_decision& decision, const kernel_route_answer& answer);

/// One `route_decision` JSON object and '\n'.
void render_decision_json(fmt::memory_buffer& out, const route_decision& d, bool explain,
                          const std::optional<kernel_check>& kernel);
/// One line per decision, or a block with --explain.
void render_decision_text(fmt::memory_buffer& out, const route_decision& d, bool explain,
                          const std::optional<kernel_check>& kernel);

/// `route cidr` for "ADDRESS/LEN" (either family); false when the text is malformed.
bool render_cidr(fmt::memory_buffer& out, const std::string& text, bool json);

/// One hop of `route trace`.
void render_hop_text(fmt::memory_buffer& out, const hop_result& hop);
/// One `trace_hop` JSON object and '\n'.
void render_hop_json(fmt::memory_buffer& out, const any_address& destination,
                     const hop_result& hop);

}  // namespace pktscope::tools
