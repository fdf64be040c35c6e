// Benchmark of the indicators: generates a synthetic log (parcours demo), folds it
// incrementally as the server's background fold does, times dashboard answers on those
// aggregates over many varied filters, then recomputes everything from the events (rebuild),
// times the same answers again and checks they are identical. Figures only.
//   insight_bench DATABASE_URL PERSONS [QUERIES]
// A database that already holds a demo population is reused as it is (no generation).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
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

// CPU time of this thread, in ms: the answer's own cost, whatever the machine's load (an
// embedded SQLite works in this thread; a PostgreSQL server's share is not counted).
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000.0 + static_cast<double>(ts.tv_nsec) / 1e6;
}

std::string Stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  char buf[128];
  std::snprintf(buf, sizeof buf, "median %.2f ms, p95 %.2f ms, max %.2f ms", ms[ms.size() / 2],
                ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back());
  return buf;
}

int Die(const Status& s) {
  std::fprintf(stderr, "insight_bench: %s\n", s.ToString().c_str());
  return 1;
}

// Dashboards a pilote opens: a journey or a service, 30 days to a year ending on various
// days, every channel or one, everywhere or a département or a commune.
std::vector<insight::Filter> Filters(int64_t today, int count) {
  static const char* kJourneys[] = {"demenager", "devenir-parent", "chercher-un-emploi", "faire-valoir-ses-droits",
                                    "prendre-les-transports"};
  static const char* kServices[] = {"caf", "cpam", "mairie", "france-travail", "dgfip"};
  static const char* kChannels[] = {"", "", "web", "counter", "phone"};
  static const char* kPlaces[][2] = {{"", ""}, {"", ""}, {"69", ""}, {"59", ""}, {"", "69123"}, {"974", "97411"}};
  static const int kLengths[] = {30, 90, 90, 366};
  std::mt19937_64 rng(7);
  std::vector<insight::Filter> out;
  for (int i = 0; i < count; ++i) {
    insight::Filter f;
    if (rng() % 3 == 0) f.service = kServices[rng() % 5]; else f.journey = kJourneys[rng() % 5];
    f.channel = kChannels[rng() % 5];
    const auto& place = kPlaces[rng() % 6];
    f.departement = place[0];
    f.commune = place[1];
    f.to_day = today - static_cast<int64_t>(rng() % 120);
    f.from_day = f.to_day - kLengths[rng() % 4] + 1;
    out.push_back(f);
  }
  return out;
}

// Answers every filter (period and previous period, as a dashboard does); prints the median,
// p95 and max answer time; returns the answers as JSON.
std::vector<nlohmann::json> Answer(store::Database& db, const std::vector<insight::Filter>& filters, const char* label) {
  std::vector<double> wall, cpu;
  std::vector<nlohmann::json> answers;
  for (const insight::Filter& f : filters) {
    auto q0 = std::chrono::steady_clock::now();
    const double c0 = ThreadCpuMs();
    auto now = insight::Compute(db, f);
    auto before = insight::Compute(db, insight::PreviousPeriod(f));
    cpu.push_back(ThreadCpuMs() - c0);
    wall.push_back(Seconds(q0) * 1000);
    if (!now.ok() || !before.ok()) {
      std::fprintf(stderr, "query failed: %s\n", (now.ok() ? before.status() : now.status()).ToString().c_str());
      std::exit(1);
    }
    answers.push_back(insight::ToJson(*now, &*before));
  }
  std::printf("dashboard answers on %s (period + previous, %zu varied filters): wall %s; cpu %s\n", label,
              filters.size(), Stats(wall).c_str(), Stats(cpu).c_str());
  return answers;
}

int64_t Count(store::Database& db, const char* sql) {
  auto tx = db.BeginRead();
  if (!tx.ok()) return -1;
  auto rows = (*tx)->Query(sql);
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
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
  const int queries = std::max(argc > 3 ? std::atoi(argv[3]) : 200, 1);
  auto db = store::Database::Open({url});
  if (!db.ok()) return Die(db.status());
  if (auto m = store::Migrate(**db); !m.ok()) return Die(m.status());
  SystemClock clock;

  auto t0 = std::chrono::steady_clock::now();
  auto existing = insight::HasDemoData(**db);
  if (!existing.ok()) return Die(existing.status());
  if (*existing) {
    std::printf("events already generated: %lld (reused)\n",
                static_cast<long long>(Count(**db, "SELECT COUNT(*) FROM events")));
  } else {
    insight::DemoOptions demo;
    demo.persons = persons;
    demo.months = 12;
    demo.end_ms = clock.NowMillis() - 60'000;
    demo.rows_per_insert = 500;
    demo.rows_per_commit = 200'000;
    auto generated = insight::GenerateDemo(**db, demo);
    if (!generated.ok()) return Die(generated.status());
    const double gen_s = Seconds(t0);
    std::printf("events generated: %lld in %.1f s (%.0f events/s)\n", static_cast<long long>(generated->events),
                gen_s, generated->events / gen_s);
  }

  // Incremental: the server's background fold, 5000 events per transaction.
  t0 = std::chrono::steady_clock::now();
  double c0 = ThreadCpuMs();
  auto folded = insight::Fold(**db, clock, {.batch = 5000, .settle_ms = 0});
  if (!folded.ok()) return Die(folded.status());
  const double fold_s = Seconds(t0), fold_cpu_s = (ThreadCpuMs() - c0) / 1000;
  std::printf("incremental fold: %lld events in %.1f s (%.0f events/s; CPU %.1f s, %.0f events per CPU second), "
              "%lld aggregate rows\n",
              static_cast<long long>(folded->events), fold_s, folded->events / std::max(fold_s, 1e-9), fold_cpu_s,
              folded->events / std::max(fold_cpu_s, 1e-9),
              static_cast<long long>(Count(**db, "SELECT COUNT(*) FROM insight_cube")));

  const auto filters = Filters(clock.NowMillis() / 86'400'000, queries);
  const auto incremental = Answer(**db, filters, "the incremental aggregates");

  // Recompute: every aggregate again from the first event.
  t0 = std::chrono::steady_clock::now();
  c0 = ThreadCpuMs();
  auto rebuilt = insight::Rebuild(**db, clock, {.batch = 20000, .settle_ms = 0});
  if (!rebuilt.ok()) return Die(rebuilt.status());
  const double rebuild_s = Seconds(t0), rebuild_cpu_s = (ThreadCpuMs() - c0) / 1000;
  std::printf("recompute (rebuild from the events): %lld events in %.1f s (%.0f events/s; CPU %.1f s, %.0f events "
              "per CPU second)\n",
              static_cast<long long>(rebuilt->events), rebuild_s, rebuilt->events / std::max(rebuild_s, 1e-9),
              rebuild_cpu_s, rebuilt->events / std::max(rebuild_cpu_s, 1e-9));
  const auto recomputed = Answer(**db, filters, "the recomputed aggregates");
  std::size_t same = 0;
  for (std::size_t i = 0; i < filters.size(); ++i) same += incremental[i] == recomputed[i] ? 1 : 0;
  std::printf("rebuild gives the same numbers: %s (%zu of %zu answers identical)\n",
              same == filters.size() ? "yes" : "NO", same, filters.size());
  return same == filters.size() ? 0 : 1;
}
