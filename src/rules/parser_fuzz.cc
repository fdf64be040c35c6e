// libFuzzer target for the expression parser, the JSON reader, the rule compiler and evaluation.
// Input: first byte selects the mode ('e': one expression; 'j': a JSON text, which json_reader.cc
// must accept exactly when nlohmann does, with an equal tree; anything else: a YAML model whose
// public rules are then evaluated with a small evaluation budget), the rest is text.
// Any crash, sanitizer report, hang or internal error is a bug: bad input must yield a Status.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "expression.h"
#include "json_reader.h"
#include "parcours/rules/engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 64 * 1024) return 0;
  const char mode = static_cast<char>(data[0]);
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode == 'e') {
    auto parsed = parcours::rules::ParseExpression(text);
    (void)parsed.ok();
    return 0;
  }
  if (mode == 'j') {
    parcours::rules::RawNode ours;
    const bool read = parcours::rules::detail::ReadJson(text, &ours, nullptr);
    const auto theirs = parcours::rules::RawNode::parse(text, nullptr, false);
    // Past kMaxJsonDepth the reader refuses what nlohmann accepts: only shallower texts compare.
    const auto opened = std::count(text.begin(), text.end(), '[') + std::count(text.begin(), text.end(), '{');
    const bool agree = read == !theirs.is_discarded() && (!read || ours == theirs);
    if (opened <= parcours::rules::detail::kMaxJsonDepth && !agree) __builtin_trap();
    return 0;
  }
  parcours::rules::ModelOptions options;
  options.filter_not_applicable_possibilities = (mode & 1) != 0;
  options.max_node_evaluations = 20000;
  auto model = parcours::rules::LoadModelFromYaml(text, "fuzz", options);
  // An exception caught at the engine's boundary (reason "rules.internal") is a bug as well.
  auto internal = [](const parcours::Status& s) { return s.reason() == "rules.internal"; };
  if (!model.ok()) {
    if (internal(model.status())) __builtin_trap();
    return 0;
  }
  parcours::rules::Engine engine(*model);
  int evaluated = 0;
  for (const auto& rule : (*model)->RuleNames()) {
    if (++evaluated > 50) break;
    auto ev = engine.Evaluate(rule);
    if (ev.ok()) {
      (void)ev->ExplanationText();
    } else if (internal(ev.status())) {
      __builtin_trap();
    }
  }
  return 0;
}
