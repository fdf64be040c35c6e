// People and households.
#include "parcours/base/utf8.h"
#include "parcours/vault/validate.h"
#include "vault_impl.h"

namespace parcours::vault {

std::string_view MemberRoleName(MemberRole role) {
  switch (role) {
    case MemberRole::kDemandeur: return "demandeur";
    case MemberRole::kConjoint: return "conjoint";
    case MemberRole::kEnfant: return "enfant";
    case MemberRole::kAutre: return "autre";
  }
  return "autre";
}

Result<MemberRole> ParseMemberRole(std::string_view text) {
  for (MemberRole r : {MemberRole::kDemandeur, MemberRole::kConjoint, MemberRole::kEnfant, MemberRole::kAutre}) {
    if (MemberRoleName(r) == text) return r;
  }
  return InvalidArgument("vault.bad_role", "Rôle inconnu : choisissez demandeur, conjoint, enfant ou autre.")
      .WithField("role", "Rôle inconnu.");
}

namespace detail {
namespace {

Status InsertPerson(store::Transaction& tx, const std::string& id, int64_t now) {
  return tx.Execute("INSERT INTO vault_persons (id, created_at_ms) VALUES ($1, $2)", {id, now}).status();
}

}  // namespace

Result<std::string> VaultImpl::CreatePerson(const Actor& actor, std::optional<std::string> person_id) {
  if (actor.kind != ActorKind::kPlatform && actor.kind != ActorKind::kAgent) {
    return PermissionDenied("vault.cannot_create_person", "Seuls la plateforme et les agents créent un usager.");
  }
  std::string id = person_id.value_or(NewId(&clock_));
  if (!IsValidId(id)) return InvalidArgument("vault.bad_person_id", "Identifiant de personne invalide.");
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(InsertPerson(tx, id, Now()));
    return Emit(tx, "person_created", id, actor, "system", nlohmann::json::object());
  });
  if (s.code() == StatusCode::kConflict) return Conflict("vault.person_exists", "Cette personne existe déjà.");
  if (!s.ok()) return s;
  return id;
}

Status VaultImpl::EnsurePerson(const Actor& actor, const std::string& person_id) {
  if (!IsValidId(person_id)) return InvalidArgument("vault.bad_person_id", "Identifiant de personne invalide.");
  return db_.InTransaction([&](store::Transaction& tx) -> Status {
    ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT 1 FROM vault_persons WHERE id = $1", {person_id}));
    if (!rows.empty()) return Status::Ok();
    if (actor.kind != ActorKind::kPlatform && actor.kind != ActorKind::kAgent && !actor.IsSelf(person_id)) {
      return PermissionDenied("vault.cannot_create_person", "Seuls la plateforme et les agents créent un usager.");
    }
    RETURN_IF_ERROR(InsertPerson(tx, person_id, Now()));
    return Emit(tx, "person_created", person_id, actor, "system", nlohmann::json::object());
  });
}

Result<std::optional<Household>> VaultImpl::LoadHousehold(store::Transaction& tx, const std::string& person_id) const {
  ASSIGN_OR_RETURN(store::Rows mine,
                   tx.Query("SELECT h.id, h.label FROM vault_household_members m JOIN vault_households h "
                            "ON h.id = m.household_id WHERE m.person_id = $1",
                            {person_id}));
  if (mine.empty()) return std::optional<Household>();
  Household h;
  h.id = mine[0].Text(0);
  h.label = mine[0].Text(1);
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx.Query("SELECT person_id, role, first_name, birth_date FROM vault_household_members "
                            "WHERE household_id = $1 ORDER BY added_at_ms, person_id",
                            {h.id}));
  for (const auto& r : rows) {
    Member m;
    m.person_id = r.Text(0);
    m.role = ParseMemberRole(r.Text(1)).value_or(MemberRole::kAutre);
    m.first_name = r.Text(2);
    m.birth_date = r.OptText(3);
    h.members.push_back(std::move(m));
  }
  return std::optional<Household>(std::move(h));
}

Result<std::string> VaultImpl::CreateHousehold(const Actor& actor, const std::string& person_id,
                                               const std::string& label, MemberRole role) {
  std::string id = NewId(&clock_);
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, "household", {kHouseholdAttribute},
                                           Operation::kManage));
    ASSIGN_OR_RETURN(auto existing, LoadHousehold(tx, person_id));
    if (existing) return Conflict("vault.household_exists", "Vous faites déjà partie d'un foyer.");
    if (Utf8Length(label) > 200) {
      return InvalidArgument("vault.too_long", "Le nom du foyer ne doit pas dépasser 200 caractères.")
          .WithField("label", "200 caractères au plus.");
    }
    RETURN_IF_ERROR(tx.Execute("INSERT INTO vault_households (id, label, created_at_ms) VALUES ($1, $2, $3)",
                               {id, label, Now()}));
    RETURN_IF_ERROR(tx.Execute("INSERT INTO vault_household_members (household_id, person_id, role, added_at_ms) "
                               "VALUES ($1, $2, $3, $4)",
                               {id, person_id, std::string(MemberRoleName(role)), Now()}));
    RETURN_IF_ERROR(LogAccess(tx, d, actor, person_id, AccessAction::kWrite, {"household", "Composition du foyer", "web"}));
    return Emit(tx, "household_created", person_id, actor, "web", {{"household_id", id}});
  });
  if (!s.ok()) return s;
  return id;
}

Result<std::string> VaultImpl::AddMember(const Actor& actor, const std::string& person_id, const NewMember& member) {
  std::string member_id = member.person_id.value_or(NewId(&clock_));
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, "household", {kHouseholdAttribute},
                                           Operation::kManage));
    ASSIGN_OR_RETURN(auto household, LoadHousehold(tx, person_id));
    if (!household) return NotFound("vault.no_household", "Créez d'abord votre foyer.");
    Status errors = InvalidArgument("vault.invalid_member", "Certaines informations sur la personne ne sont pas valides.");
    if (member.first_name.empty() || Utf8Length(member.first_name) > 100) {
      errors.WithField(FieldError{"first_name", "Indiquez le prénom (100 caractères au plus).", kBadFirstName,
                                  {{"max", "100"}}});
    }
    std::optional<std::string> birth;
    if (!member.birth_date.empty()) {
      auto date = ValidateDate(member.birth_date);
      if (!date.ok()) {
        errors.WithField(FieldErrorOf(date.status(), "birth_date"));
      } else if (*date > DateOf(Now())) {
        errors.WithField(
            FieldError{"birth_date", "La date de naissance ne peut pas être dans le futur.", kFutureBirthDate, {}});
      } else {
        birth = *date;
      }
    }
    if (!errors.field_errors().empty()) return errors;
    if (member.person_id) {
      RETURN_IF_ERROR(RequireLivePerson(tx, member_id));
    } else {
      RETURN_IF_ERROR(InsertPerson(tx, member_id, Now()));
    }
    Status inserted = tx.Execute(
                            "INSERT INTO vault_household_members (household_id, person_id, role, first_name, "
                            "birth_date, added_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                            {household->id, member_id, std::string(MemberRoleName(member.role)), member.first_name,
                             store::Nullable(birth), Now()})
                         .status();
    if (inserted.code() == StatusCode::kConflict) {
      return Conflict("vault.already_member", "Cette personne fait déjà partie d'un foyer.");
    }
    RETURN_IF_ERROR(inserted);
    RETURN_IF_ERROR(LogAccess(tx, d, actor, person_id, AccessAction::kWrite, {"household", "Composition du foyer", "web"}));
    return Emit(tx, "household_member_added", person_id, actor, "web",
                {{"household_id", household->id}, {"member_id", member_id}, {"role", MemberRoleName(member.role)}});
  });
  if (!s.ok()) return s;
  return member_id;
}

Status VaultImpl::RemoveMember(const Actor& actor, const std::string& person_id, const std::string& member_person_id) {
  return db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, "household", {kHouseholdAttribute},
                                           Operation::kManage));
    ASSIGN_OR_RETURN(auto household, LoadHousehold(tx, person_id));
    if (!household) return NotFound("vault.no_household", "Vous n'avez pas de foyer enregistré.");
    ASSIGN_OR_RETURN(int64_t n, tx.Execute("DELETE FROM vault_household_members WHERE household_id = $1 AND "
                                           "person_id = $2",
                                           {household->id, member_person_id}));
    if (n == 0) return NotFound("vault.unknown_member", "Cette personne ne fait pas partie de votre foyer.");
    RETURN_IF_ERROR(LogAccess(tx, d, actor, person_id, AccessAction::kWrite, {"household", "Composition du foyer", "web"}));
    return Emit(tx, "household_member_removed", person_id, actor, "web",
                {{"household_id", household->id}, {"member_id", member_person_id}});
  });
}

Result<std::optional<Household>> VaultImpl::GetHousehold(const Actor& actor, const std::string& person_id,
                                                         const Purpose& purpose) {
  std::optional<Household> out;
  Status s = db_.InTransaction([&](store::Transaction& tx) -> Status {
    RETURN_IF_ERROR(RequireLivePerson(tx, person_id));
    ASSIGN_OR_RETURN(Decision d, Authorize(tx, Now(), actor, person_id, purpose.code, {kHouseholdAttribute},
                                           Operation::kRead));
    if (d.allowed.empty()) return LogAccess(tx, d, actor, person_id, AccessAction::kRead, purpose);
    ASSIGN_OR_RETURN(out, LoadHousehold(tx, person_id));
    return LogAccess(tx, d, actor, person_id, AccessAction::kRead, purpose);
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace detail

Result<bool> IsLivePerson(store::Transaction& tx, const std::string& person_id) {
  ASSIGN_OR_RETURN(store::Rows rows,
                   tx.Query("SELECT 1 FROM vault_persons WHERE id = $1 AND erased_at_ms IS NULL", {person_id}));
  return !rows.empty();
}

}  // namespace parcours::vault
