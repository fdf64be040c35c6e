// The fold's reads and writes: the state rows a batch names, loaded in bulk, and the state and
// counters it changed, written back with upserts (see fold_state.h; the events' meaning is in
// fold_state.cc).
#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string_view>
#include <vector>

#include "fold_state.h"

namespace parcours::insight {
namespace {

using Json = nlohmann::json;

// Runs `select` (ending with the column to match) + " IN ($1, ..., $kChunk)" over `keys`,
// kChunk keys a statement, and calls `each` for every row. The last chunk is padded with its
// last key (IN ignores the repeat), so that every chunk is the same prepared statement.
Status QueryIn(store::Transaction& tx, const std::string& select, const std::set<std::string>& keys,
               const std::function<void(const store::Row&)>& each) {
  constexpr std::size_t kChunk = 200;
  if (keys.empty()) return Status::Ok();
  std::string sql = select + " IN (";
  for (std::size_t i = 1; i <= kChunk; ++i) sql += (i > 1 ? ", $" : "$") + std::to_string(i);
  sql += ")";
  std::vector<store::Value> params;
  params.reserve(kChunk);
  auto it = keys.begin();
  while (it != keys.end()) {
    params.clear();
    const std::string* last = nullptr;
    for (; it != keys.end() && params.size() < kChunk; ++it) {
      params.emplace_back(*it);
      last = &*it;
    }
    while (params.size() < kChunk) params.emplace_back(*last);
    ASSIGN_OR_RETURN(store::Rows rows, tx.Query(sql, std::span<const store::Value>(params)));
    for (const store::Row& r : rows) each(r);
  }
  return Status::Ok();
}

}  // namespace

// The state of a journey from an insight_journeys row read as JourneyColumns (from column `at`).
FoldBatch::JourneyState FoldBatch::JourneyFromRow(const store::Row& r, std::size_t at) {
  JourneyState state;
  state.life_event = r.Text(at);
  state.channel = r.Text(at + 1);
  state.departement = r.Text(at + 2);
  state.commune = r.Text(at + 3);
  state.started_ms = r.Int(at + 4);
  Json pending = Json::parse(r.Text(at + 5), nullptr, false);
  if (pending.is_array()) {
    for (const auto& s : pending) if (s.is_string()) state.pending.insert(s.get<std::string>());
  }
  state.helped = r.Bool(at + 6);
  if (auto v = r.OptInt(at + 7)) state.completed_ms = *v;
  if (auto v = r.OptInt(at + 8)) state.benefit_ms = *v;
  return state;
}

namespace {
constexpr char kJourneyColumns[] =
    "life_event, channel, departement, commune, started_ms, pending, helped, completed_ms, benefit_ms";
}  // namespace

Result<FoldBatch::JourneyState*> FoldBatch::Journey(const std::string& id) {
  auto it = journeys_.find(id);
  if (it == journeys_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows, tx_.Query(std::string("SELECT ") + kJourneyColumns +
                                                     " FROM insight_journeys WHERE journey_id = $1",
                                                 {id}));
    std::optional<JourneyState> state;
    if (!rows.empty()) state = JourneyFromRow(rows[0], 0);
    it = journeys_.emplace(id, std::move(state)).first;
  }
  return it->second ? &*it->second : nullptr;
}

Status FoldBatch::Preload(std::span<const store::Event> events) {
  static const std::string kPrefix = "fr.parcours.";
  std::set<std::string> journeys, stepped, persons, deliveries, complaints;
  for (const store::Event& e : events) {
    if (e.type.rfind(kPrefix, 0) != 0) continue;
    const std::string_view type = std::string_view(e.type).substr(kPrefix.size());
    if (type.starts_with("journey.")) {
      if (e.subject.empty()) continue;
      journeys.insert(e.subject);
      if (type != "journey.started") stepped.insert(e.subject);
    } else if (type == "vault.form_submitted" || type == "declaration.submitted" ||
               type.starts_with("proactive.offer.") || type.starts_with("delivery.") ||
               type.starts_with("complaint.")) {
      if (!e.person_id.empty()) persons.insert(e.person_id);
      if (type.starts_with("delivery.") && !e.subject.empty()) deliveries.insert(e.subject);
      if (type.starts_with("complaint.") && !e.subject.empty()) complaints.insert(e.subject);
    } else if (type == "feedback.submitted") {
      const Json data = Json::parse(e.data_json, nullptr, false);
      if (auto jid = data.is_object() ? data.find("journey_id") : data.end();
          jid != data.end() && jid->is_string() && !jid->get_ref<const std::string&>().empty()) {
        journeys.insert(jid->get<std::string>());
      }
    }
  }
  // Persons and complaints first: they name journeys to load too.
  RETURN_IF_ERROR(QueryIn(tx_, "SELECT person_id, journey_id FROM insight_persons WHERE person_id", persons,
                          [&](const store::Row& r) {
                            std::string journey = r.Text(1);
                            if (!journey.empty()) journeys.insert(journey);
                            persons_.try_emplace(r.Text(0), std::move(journey));
                          }));
  for (const std::string& p : persons) persons_.try_emplace(p, std::nullopt);
  RETURN_IF_ERROR(QueryIn(tx_,
                          "SELECT complaint_id, journey_id, service, filed_ms, resolved_ms FROM insight_complaints "
                          "WHERE complaint_id",
                          complaints, [&](const store::Row& r) {
                            Complaint c{r.Text(1), r.Text(2), r.Int(3), r.OptInt(4), false};
                            if (!c.journey_id.empty()) journeys.insert(c.journey_id);
                            complaints_.try_emplace(r.Text(0), std::move(c));
                          }));
  for (const std::string& c : complaints) complaints_.try_emplace(c, std::nullopt);
  RETURN_IF_ERROR(QueryIn(tx_,
                          "SELECT delivery_id, service, created_ms, decided FROM insight_deliveries WHERE delivery_id",
                          deliveries, [&](const store::Row& r) {
                            deliveries_.try_emplace(r.Text(0), Delivery{r.Text(1), r.Int(2), r.Bool(3), false});
                          }));
  for (const std::string& d : deliveries) deliveries_.try_emplace(d, std::nullopt);
  RETURN_IF_ERROR(QueryIn(tx_,
                          std::string("SELECT journey_id, ") + kJourneyColumns + " FROM insight_journeys WHERE journey_id",
                          journeys, [&](const store::Row& r) { journeys_.try_emplace(r.Text(0), JourneyFromRow(r, 1)); }));
  for (const std::string& j : journeys) journeys_.try_emplace(j, std::nullopt);
  RETURN_IF_ERROR(QueryIn(tx_, "SELECT journey_id, step_id, started, done FROM insight_steps WHERE journey_id", stepped,
                          [&](const store::Row& r) {
                            steps_.try_emplace(std::make_pair(r.Text(0), r.Text(1)),
                                               StepState{r.Bool(2), r.Bool(3), false});
                          }));
  steps_loaded_.insert(stepped.begin(), stepped.end());
  return Status::Ok();
}

Result<FoldBatch::StepState*> FoldBatch::Step(const std::string& journey_id, const std::string& step_id) {
  auto key = std::make_pair(journey_id, step_id);
  auto it = steps_.find(key);
  if (it == steps_.end() && steps_loaded_.count(journey_id) != 0) {
    it = steps_.emplace(key, StepState{}).first;  // preloaded: the journey has no such row yet
  }
  if (it == steps_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows, tx_.Query("SELECT started, done FROM insight_steps "
                                                 "WHERE journey_id = $1 AND step_id = $2",
                                                 {journey_id, step_id}));
    StepState s;
    if (!rows.empty()) {
      s.started = rows[0].Bool(0);
      s.done = rows[0].Bool(1);
    }
    it = steps_.emplace(key, s).first;
  }
  return &it->second;
}

Result<std::string> FoldBatch::JourneyOfPerson(const std::string& person_id) {
  if (person_id.empty()) return std::string();
  auto it = persons_.find(person_id);
  if (it == persons_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows,
                     tx_.Query("SELECT journey_id FROM insight_persons WHERE person_id = $1", {person_id}));
    std::optional<std::string> j;
    if (!rows.empty()) j = rows[0].Text(0);
    it = persons_.emplace(person_id, j).first;
  }
  return it->second.value_or("");
}

Result<FoldBatch::Delivery*> FoldBatch::FindDelivery(const std::string& id) {
  auto it = deliveries_.find(id);
  if (it == deliveries_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows, tx_.Query("SELECT service, created_ms, decided FROM insight_deliveries "
                                                 "WHERE delivery_id = $1",
                                                 {id}));
    std::optional<Delivery> d;
    if (!rows.empty()) d = Delivery{rows[0].Text(0), rows[0].Int(1), rows[0].Bool(2), false};
    it = deliveries_.emplace(id, d).first;
  }
  return it->second ? &*it->second : nullptr;
}

Result<FoldBatch::Complaint*> FoldBatch::FindComplaint(const std::string& id) {
  auto it = complaints_.find(id);
  if (it == complaints_.end()) {
    ASSIGN_OR_RETURN(store::Rows rows, tx_.Query("SELECT journey_id, service, filed_ms, resolved_ms "
                                                 "FROM insight_complaints WHERE complaint_id = $1",
                                                 {id}));
    std::optional<Complaint> c;
    if (!rows.empty()) c = Complaint{rows[0].Text(0), rows[0].Text(1), rows[0].Int(2), rows[0].OptInt(3), false};
    it = complaints_.emplace(id, c).first;
  }
  return it->second ? &*it->second : nullptr;
}

Status FoldBatch::FlushCounts() {
  // Histograms merge with what the row holds already (read, add, write: the fold's
  // transaction is serialisable, so no other fold interleaves). The rows are read kKeys at a
  // time, joined on their primary key from a list of keys; the last list is padded with its
  // last key under index -1 (ignored), so that every list is the same prepared statement.
  // The cells in insight_cube's key order (texts by byte order), so that the writes walk the
  // primary key's B-tree from one end to the other.
  std::vector<std::size_t> order(names_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return names_[a] < names_[b]; });
  std::vector<uint32_t> rank(names_.size());
  for (std::size_t r = 0; r < order.size(); ++r) rank[order[r]] = static_cast<uint32_t>(r);
  auto Ranked = [&](const CountKey& k) {
    return std::make_tuple(rank[k.journey], rank[k.channel], rank[k.departement], rank[k.commune], k.grain, k.day,
                           rank[k.service], rank[k.step], rank[k.metric]);
  };
  std::vector<std::pair<const CountKey*, Cell*>> cells;
  cells.reserve(counts_.size());
  for (auto& [k, cell] : counts_) cells.emplace_back(&k, &cell);
  std::sort(cells.begin(), cells.end(), [&](const auto& a, const auto& b) { return Ranked(*a.first) < Ranked(*b.first); });
  std::vector<Cell*> with_hist;
  std::vector<const CountKey*> hist_keys;
  for (const auto& [k, cell] : cells) {
    if (cell->hist.empty()) continue;
    with_hist.push_back(cell);
    hist_keys.push_back(k);
  }
  if (!with_hist.empty()) {
    constexpr std::size_t kKeys = 50;
    std::string read = "WITH k (i, journey, channel, departement, commune, grain, day, service, step, metric) AS (VALUES ";
    for (std::size_t r = 0; r < kKeys; ++r) {
      const std::size_t b = r * 10;
      auto p = [&](std::size_t c) { return "$" + std::to_string(b + c); };
      read += (r ? ", (" : "(") + std::string("CAST(") + p(1) + " AS BIGINT), CAST(" + p(2) + " AS TEXT), CAST(" + p(3) +
              " AS TEXT), CAST(" + p(4) + " AS TEXT), CAST(" + p(5) + " AS TEXT), CAST(" + p(6) + " AS BIGINT), CAST(" +
              p(7) + " AS BIGINT), CAST(" + p(8) + " AS TEXT), CAST(" + p(9) + " AS TEXT), CAST(" + p(10) + " AS TEXT))";
    }
    read += ") SELECT k.i, c.hist FROM k, insight_cube c WHERE c.journey = k.journey AND c.channel = k.channel AND "
            "c.departement = k.departement AND c.commune = k.commune AND c.grain = k.grain AND c.day = k.day AND "
            "c.service = k.service AND c.step = k.step AND c.metric = k.metric";
    std::vector<store::Value> params;
    params.reserve(kKeys * 10);
    for (std::size_t at = 0; at < with_hist.size(); at += kKeys) {
      params.clear();
      for (std::size_t r = 0; r < kKeys; ++r) {
        const bool real = at + r < with_hist.size();
        const CountKey& k = *hist_keys[real ? at + r : with_hist.size() - 1];
        params.insert(params.end(), {real ? static_cast<int64_t>(at + r) : int64_t{-1}, names_[k.journey],
                                     names_[k.channel], names_[k.departement], names_[k.commune], k.grain, k.day,
                                     names_[k.service], names_[k.step], names_[k.metric]});
      }
      ASSIGN_OR_RETURN(store::Rows rows, tx_.Query(read, std::span<const store::Value>(params)));
      for (const store::Row& row : rows) {
        const int64_t i = row.Int(0);
        if (i >= 0 && static_cast<std::size_t>(i) < with_hist.size()) MergeHistogram(row.Text(1), with_hist[i]->hist);
      }
    }
  }
  // Multi-row upserts: far fewer statements than cells.
  constexpr std::size_t kRows = 100;
  std::vector<store::Value> params;
  std::string sql;
  std::size_t in_statement = 0;
  auto Send = [&]() -> Status {
    if (in_statement == 0) return Status::Ok();
    sql += " ON CONFLICT (journey, channel, departement, commune, grain, day, service, step, metric) DO UPDATE SET "
           "n = insight_cube.n + excluded.n, total = insight_cube.total + excluded.total, "
           "hist = CASE WHEN excluded.hist = '' THEN insight_cube.hist ELSE excluded.hist END";
    RETURN_IF_ERROR(tx_.Execute(sql, std::span<const store::Value>(params)).status());
    params.clear();
    in_statement = 0;
    return Status::Ok();
  };
  for (const auto& [key, cell] : cells) {
    if (in_statement == 0) {
      sql = "INSERT INTO insight_cube (journey, channel, departement, commune, grain, day, service, step, metric, n, "
            "total, hist) VALUES ";
    } else {
      sql += ", ";
    }
    const std::size_t base = params.size();
    sql += "(";
    for (std::size_t c = 1; c <= 12; ++c) sql += (c > 1 ? ", $" : "$") + std::to_string(base + c);
    sql += ")";
    const CountKey& k = *key;
    params.insert(params.end(), {names_[k.journey], names_[k.channel], names_[k.departement], names_[k.commune],
                                 k.grain, k.day, names_[k.service], names_[k.step], names_[k.metric], cell->n,
                                 cell->total, EncodeHistogram(cell->hist)});
    if (++in_statement == kRows) RETURN_IF_ERROR(Send());
  }
  return Send();
}

Status FoldBatch::Flush() {
  RETURN_IF_ERROR(FlushCounts());
  for (const auto& [id, j] : journeys_) {
    if (!j || !j->dirty) continue;
    RETURN_IF_ERROR(
        tx_.Execute("INSERT INTO insight_journeys (journey_id, life_event, channel, departement, commune, started_ms, "
                    "pending, helped, completed_ms, benefit_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                    "ON CONFLICT (journey_id) DO UPDATE SET pending = excluded.pending, helped = excluded.helped, "
                    "completed_ms = excluded.completed_ms, benefit_ms = excluded.benefit_ms",
                    {id, j->life_event, j->channel, j->departement, j->commune, j->started_ms,
                     Json(j->pending).dump(), int64_t{j->helped}, store::Nullable(j->completed_ms),
                     store::Nullable(j->benefit_ms)})
            .status());
  }
  for (const auto& [key, s] : steps_) {
    if (!s.dirty) continue;
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_steps (journey_id, step_id, started, done) VALUES ($1, $2, $3, $4) "
                                "ON CONFLICT (journey_id, step_id) DO UPDATE SET started = excluded.started, "
                                "done = excluded.done",
                                {key.first, key.second, int64_t{s.started}, int64_t{s.done}})
                        .status());
  }
  for (const std::string& person : persons_dirty_) {
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_persons (person_id, journey_id) VALUES ($1, $2) "
                                "ON CONFLICT (person_id) DO UPDATE SET journey_id = excluded.journey_id",
                                {person, persons_[person].value_or("")})
                        .status());
  }
  for (const auto& [id, d] : deliveries_) {
    if (!d || !d->dirty) continue;
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_deliveries (delivery_id, service, created_ms, decided) "
                                "VALUES ($1, $2, $3, $4) ON CONFLICT (delivery_id) DO UPDATE SET decided = excluded.decided",
                                {id, d->service, d->created_ms, int64_t{d->decided}})
                        .status());
  }
  for (const auto& [id, c] : complaints_) {
    if (!c || !c->dirty) continue;
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_complaints (complaint_id, journey_id, service, filed_ms, resolved_ms) "
                                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (complaint_id) DO UPDATE SET "
                                "resolved_ms = excluded.resolved_ms",
                                {id, c->journey_id, c->service, c->filed_ms, store::Nullable(c->resolved_ms)})
                        .status());
  }
  for (const CommentRow& c : comments_) {
    RETURN_IF_ERROR(tx_.Execute("INSERT INTO insight_comments (seq, journey, day, service, step, channel, departement, "
                                "satisfaction, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                                "ON CONFLICT (seq) DO NOTHING",
                                {c.seq, c.journey, c.day, c.service, c.step, c.channel, c.departement, c.satisfaction,
                                 c.text})
                        .status());
  }
  return Status::Ok();
}

}  // namespace parcours::insight
