// libFuzzer target for the expression parser, the rule compiler and evaluation.
// Input: first byte selects the mode ('e': one expression; anything else: a YAML model
// whose public rules are then evaluated with a small evaluation budget), the rest is text.
// Any crash, sanitizer report or hang is a bug: bad input must yield a Status.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "expression.h"
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
  parcours::rules::ModelOptions options;
  options.filter_not_applicable_possibilities = (mode & 1) != 0;
  options.max_node_evaluations = 20000;
  auto model = parcours::rules::LoadModelFromYaml(text, "fuzz", options);
  if (!model.ok()) return 0;
  parcours::rules::Engine engine(*model);
  int evaluated = 0;
  for (const auto& rule : (*model)->RuleNames()) {
    if (++evaluated > 50) break;
    auto ev = engine.Evaluate(rule);
    if (ev.ok()) (void)ev->ExplanationText();
  }
  return 0;
}
