// `parcours insight fold|rebuild|show` and `parcours demo`.
#pragma once

namespace CLI {
class App;
}

namespace parcours::insight {

void AddInsightCommands(CLI::App& app);

}  // namespace parcours::insight
