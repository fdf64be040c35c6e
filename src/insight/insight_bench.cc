// Benchmark of the indicators: generates a synthetic log (parcours demo), folds it
// incrementally, times dashboard answers on the aggregates, then times a full recompute
// (rebuild) and checks it gives the same numbers. Figures only.
//   insight_bench DATABASE_URL PERSONS [QUERIES]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "parcours/base/clock.h"
#include "parcours/insight/aggregates.h"
#include "parcours/insight/demo.h"
#include "parcours/insight/export.h"
#include "parcours/insight/indicators.h"
#include "parcours/store/migrations.h"

using namespace parcours;

namespace {

double Seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int Die(const Status& s) {
  std::fprintf(stderr, "insight_bench: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: insight_bench DATABASE_URL PERSONS [QUERIES]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they come, even through a pipe
  const std::string url = argv[1];
  const int64_t persons = std::atoll(argv[2]);
  const int queries = argc > 3 ? std::atoi(argv[3]) : 30;
  auto db = store::Database::Open({url});
  if (!db.ok()) return Die(db.status());
  if (auto m = store::Migrate(**db); !m.ok()) return Die(m.status());
  SystemClock clock;

  auto t0 = std::chrono::steady_clock::now();
  insight::DemoOptions demo;
  demo.persons = persons;
  demo.months = 12;
  demo.end_ms = clock.NowMillis() - 60'000;
  demo.rows_per_insert = 500;
  demo.rows_per_commit = 200'000;
  auto generated = insight::GenerateDemo(**db, demo);
  if (!generated.ok()) return Die(generated.status());
  const double gen_s = Seconds(t0);
  std::printf("events generated: %lld in %.1f s (%.0f events/s)\n", static_cast<long long>(generated->events), gen_s,
              generated->events / gen_s);

  t0 = std::chrono::steady_clock::now();
  auto folded = insight::Fold(**db, clock, {.batch = 20000, .settle_ms = 0});
  if (!folded.ok()) return Die(folded.status());
  const double fold_s = Seconds(t0);
  std::printf("incremental fold: %lld events in %.1f s (%.0f events/s)\n", static_cast<long long>(folded->events),
              fold_s, folded->events / fold_s);

  auto Time = [&](const insight::Filter& f, const char* label) -> nlohmann::json {
    std::vector<double> ms;
    nlohmann::json last;
    for (int i = 0; i < queries; ++i) {
      auto q0 = std::chrono::steady_clock::now();
      auto now = insight::Compute(**db, f);
      auto before = insight::Compute(**db, insight::PreviousPeriod(f));
      ms.push_back(Seconds(q0) * 1000);
      if (!now.ok() || !before.ok()) {
        std::fprintf(stderr, "query failed\n");
        std::exit(1);
      }
      last = insight::ToJson(*now, &*before);
    }
    std::sort(ms.begin(), ms.end());
    std::printf("dashboard %s (period + previous): median %.2f ms, p90 %.2f ms, max %.2f ms over %d answers\n", label,
                ms[ms.size() / 2], ms[ms.size() * 9 / 10], ms.back(), queries);
    return last;
  };
  insight::Filter journey;
  journey.journey = "demenager";
  journey.to_day = clock.NowMillis() / 86'400'000;
  journey.from_day = journey.to_day - 89;
  insight::Filter year = journey;
  year.from_day = year.to_day - 365;
  insight::Filter service;
  service.service = "caf";
  service.to_day = journey.to_day;
  service.from_day = journey.from_day;
  insight::Filter lyon = journey;
  lyon.departement = "69";
  lyon.channel = "web";
  const auto a = Time(journey, "journey demenager, 90 days");
  Time(year, "journey demenager, 366 days");
  Time(service, "service caf, 90 days");
  Time(lyon, "journey demenager, 90 days, web, 69");

  t0 = std::chrono::steady_clock::now();
  auto rebuilt = insight::Rebuild(**db, clock, {.batch = 20000, .settle_ms = 0});
  if (!rebuilt.ok()) return Die(rebuilt.status());
  std::printf("recompute (rebuild from the events): %.1f s\n", Seconds(t0));
  const auto b = Time(journey, "journey demenager after rebuild");
  std::printf("rebuild gives the same numbers: %s\n", a == b ? "yes" : "NO");
  return a == b ? 0 : 1;
}
