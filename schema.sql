-- rmdesk database schema: the whole database, one readable file.
--
-- The file is split into numbered migrations by lines of the form `-- migration: N`.
-- A database records the last migration applied in `PRAGMA user_version`; opening a
-- database applies, in one transaction each, every migration above that number.
-- Never edit a migration that has shipped: add a new one at the end.
--
-- Conventions: every table is STRICT. Money is canonical decimal TEXT (rust_decimal),
-- or integer minor units where SQL must order or sum it. Instants are ISO-8601 UTC text
-- (`2026-11-23T09:30:00Z`); calendar dates are `YYYY-MM-DD` local dates.
-- Nothing a bank must keep is deleted: rows are closed, archived or cancelled.

-- migration: 1

CREATE TABLE branches (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id                    INTEGER PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name          TEXT NOT NULL,
    role                  TEXT NOT NULL CHECK (role IN ('rm', 'manager', 'admin')),
    branch_id             INTEGER REFERENCES branches(id),
    password_hash         TEXT NOT NULL,            -- Argon2id PHC string
    must_change_password  INTEGER NOT NULL DEFAULT 1 CHECK (must_change_password IN (0, 1)),
    failed_attempts       INTEGER NOT NULL DEFAULT 0,
    locked_until          TEXT,                     -- instant; NULL when not locked
    disabled              INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;

-- Tunable rules (thresholds, deadlines, cadences, idle lock). Values are text; the
-- store parses them and falls back to the defaults below when a key is missing.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) STRICT;

INSERT INTO settings (key, value) VALUES
    ('lockout.max_attempts', '5'),
    ('lockout.minutes', '15'),
    ('idle_lock.minutes', '15'),
    ('tier.key_min_aum', '100000'),
    ('tier.core_min_aum', '1000000'),
    ('feedback.deadline_days', '15'),
    ('cadence.core_days', '30'),
    ('cadence.key_days', '90'),
    ('cadence.general_days', '180');

CREATE TABLE clients (
    id                    INTEGER PRIMARY KEY,
    client_no             TEXT NOT NULL UNIQUE,
    kind                  TEXT NOT NULL CHECK (kind IN ('individual', 'corporate')),
    name                  TEXT NOT NULL CHECK (length(name) > 0),
    gender                TEXT CHECK (gender IN ('M', 'F')),
    birth_date            TEXT,
    id_type               TEXT NOT NULL CHECK (id_type IN ('resident_id', 'passport', 'other', 'uscc')),
    id_number             TEXT NOT NULL,
    mobile                TEXT,
    email                 TEXT,
    address               TEXT,
    occupation            TEXT,                     -- occupation, or industry for corporates
    risk_level            TEXT CHECK (risk_level IN ('C1', 'C2', 'C3', 'C4', 'C5')),
    risk_assessed_on      TEXT,
    tier                  TEXT NOT NULL DEFAULT 'general' CHECK (tier IN ('general', 'key', 'core')),
    tier_override         TEXT CHECK (tier_override IN ('general', 'key', 'core')),
    tier_override_reason  TEXT,
    status                TEXT NOT NULL DEFAULT 'prospect'
                          CHECK (status IN ('prospect', 'active', 'dormant', 'closed')),
    owner_id              INTEGER NOT NULL REFERENCES users(id),
    branch_id             INTEGER NOT NULL REFERENCES branches(id),
    source                TEXT,
    notes                 TEXT,
    contact_person        TEXT,                     -- corporates
    registered_capital    TEXT,                     -- corporates; decimal text
    aum_minor             INTEGER NOT NULL DEFAULT 0, -- CNY AUM in fen, for ordering and tiers
    last_contact_at       TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX clients_id_number ON clients (id_number);
CREATE INDEX clients_owner_name ON clients (owner_id, name, id);
CREATE INDEX clients_branch_name ON clients (branch_id, name, id);
CREATE INDEX clients_owner_aum ON clients (owner_id, aum_minor, id);
CREATE INDEX clients_branch_aum ON clients (branch_id, aum_minor, id);
CREATE INDEX clients_owner_contact ON clients (owner_id, last_contact_at, id);
CREATE INDEX clients_name_mobile ON clients (name, mobile);
CREATE INDEX clients_name_birth ON clients (name, birth_date);

-- Search terms of each client (name parts, pinyin initials, client no., phone and ID
-- fragments), maintained by the store; rowid = clients.id.
CREATE VIRTUAL TABLE client_search USING fts5 (
    terms,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE TABLE products (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    category      TEXT NOT NULL CHECK (category IN
                  ('deposit', 'wealth', 'fund', 'insurance', 'bond', 'loan', 'card', 'other')),
    risk_level    TEXT NOT NULL CHECK (risk_level IN ('R1', 'R2', 'R3', 'R4', 'R5')),
    currency      TEXT NOT NULL DEFAULT 'CNY',
    yield_min     TEXT,                             -- percent per year, decimal text
    yield_max     TEXT,
    term_days     INTEGER,
    min_amount    TEXT NOT NULL DEFAULT '0',
    sale_start    TEXT,
    sale_end      TEXT,
    status        TEXT NOT NULL DEFAULT 'on_sale' CHECK (status IN ('on_sale', 'closed')),
    description   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE holdings (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER NOT NULL REFERENCES clients(id),
    product_id       INTEGER NOT NULL REFERENCES products(id),
    amount           TEXT NOT NULL,                 -- decimal text, in the product's currency
    currency         TEXT NOT NULL,
    start_date       TEXT NOT NULL,
    maturity_date    TEXT,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_on        TEXT,
    override_reason  TEXT,                          -- suitability override by a manager
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

CREATE INDEX holdings_client ON holdings (client_id, status);
CREATE INDEX holdings_product ON holdings (product_id, status);
CREATE INDEX holdings_maturity ON holdings (maturity_date) WHERE status = 'open';

CREATE TABLE visits (
    id                  INTEGER PRIMARY KEY,
    client_id           INTEGER NOT NULL REFERENCES clients(id),
    rm_id               INTEGER NOT NULL REFERENCES users(id),
    visited_at          TEXT NOT NULL,
    channel             TEXT NOT NULL CHECK (channel IN
                        ('branch', 'client_site', 'phone', 'video', 'message')),
    purpose             TEXT NOT NULL,
    summary             TEXT NOT NULL,
    outcome             TEXT,
    next_step           TEXT,
    next_step_on        TEXT,
    return_checked_at   TEXT,                       -- manager's return call (回访)
    return_checked_by   INTEGER REFERENCES users(id),
    return_outcome      TEXT,
    return_note         TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;

CREATE INDEX visits_client ON visits (client_id, visited_at);
CREATE INDEX visits_rm ON visits (rm_id, visited_at);

CREATE TABLE visit_products (
    visit_id         INTEGER NOT NULL REFERENCES visits(id),
    product_id       INTEGER NOT NULL REFERENCES products(id),
    override_reason  TEXT,
    PRIMARY KEY (visit_id, product_id)
) STRICT;

CREATE TABLE feedback (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES clients(id),
    rm_id          INTEGER NOT NULL REFERENCES users(id),
    kind           TEXT NOT NULL CHECK (kind IN ('complaint', 'suggestion', 'praise')),
    received_on    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    description    TEXT NOT NULL,
    severity       TEXT NOT NULL DEFAULT 'normal' CHECK (severity IN ('low', 'normal', 'high')),
    status         TEXT NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
    handler_id     INTEGER REFERENCES users(id),
    deadline       TEXT NOT NULL,
    resolution     TEXT,
    resolved_at    TEXT,
    satisfaction   INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

CREATE INDEX feedback_client ON feedback (client_id, received_on);
CREATE INDEX feedback_rm_status ON feedback (rm_id, status, deadline);

CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY,
    owner_id     INTEGER NOT NULL REFERENCES users(id),
    client_id    INTEGER REFERENCES clients(id),
    title        TEXT NOT NULL,
    notes        TEXT,
    due_date     TEXT NOT NULL,
    due_time     TEXT,
    priority     TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    recurrence   TEXT NOT NULL DEFAULT 'none'
                 CHECK (recurrence IN ('none', 'daily', 'weekly', 'monthly', 'yearly')),
    -- for a monthly or yearly series: the day of month it was first due (31 falls back to
    -- the month's last day without losing the 31 for the following months)
    anchor_date  TEXT,
    source       TEXT NOT NULL DEFAULT 'manual'
                 CHECK (source IN ('manual', 'visit', 'maturity', 'birthday', 'risk_review')),
    visit_id     INTEGER REFERENCES visits(id),
    holding_id   INTEGER REFERENCES holdings(id),
    done_at      TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX tasks_owner_due ON tasks (owner_id, status, due_date);
CREATE INDEX tasks_client ON tasks (client_id, status);
CREATE INDEX tasks_visit ON tasks (visit_id);

-- Monthly plan and weekly goal (月有规划、周有目标): one note per user and period.
CREATE TABLE plan_notes (
    id            INTEGER PRIMARY KEY,
    owner_id      INTEGER NOT NULL REFERENCES users(id),
    period_kind   TEXT NOT NULL CHECK (period_kind IN ('month', 'week')),
    period_start  TEXT NOT NULL,                     -- first day of the month / Monday
    body          TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (owner_id, period_kind, period_start)
) STRICT;

-- Append-only audit log. Each entry's hash covers its own fields and the previous
-- entry's hash, so `rmdesk check` detects an altered, removed or inserted row.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    user_id    INTEGER,
    username   TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT,
    before     TEXT,                                -- JSON-ish text, personal data masked
    after      TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- migration: 2

-- The clients a product suits (store::products::suitable_clients): one walk per risk
-- level in name order, within the RM's or the branch's clients, so a page reads about
-- as many rows as it shows, however rare the suitable clients are.
CREATE INDEX clients_owner_risk_name ON clients (owner_id, risk_level, name, id);
CREATE INDEX clients_branch_risk_name ON clients (branch_id, risk_level, name, id);

-- migration: 3
-- Search, rebuilt for speed of writing (imports) as much as of reading.
--
-- The full-text index no longer holds phone fragments: every suffix of every mobile,
-- each also written into three prefix indexes, was most of its size and of the cost of
-- an import. It is made again with detail = 'none' (it is only ever asked for token
-- prefixes, never phrases, so positions are not kept); the store writes every client's
-- terms into it right after this SQL, in the same transaction (the terms hold pinyin
-- initials, which SQL cannot compute).
DROP TABLE client_search;
CREATE VIRTUAL TABLE client_search USING fts5 (
    terms,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3',
    detail = 'none'
);

-- The digits of each client's mobile, indexed by trigrams (rowid = clients.id): any 3
-- or more consecutive digits typed are a phrase of trigrams, found without storing every
-- suffix. Maintained by the store with every save, like client_search.
CREATE VIRTUAL TABLE client_phone USING fts5 (
    digits,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram'
);

-- The store keeps mobiles as digits, or '+' and digits.
INSERT INTO client_phone (rowid, digits)
SELECT id, replace(mobile, '+', '') FROM clients WHERE mobile IS NOT NULL AND mobile != '';

-- migration: 4
-- Branch scale: the manager's lists walk an index of the branch, a visit's words are
-- found through a full-text index, and client names sort by their pinyin.
--
-- Visits and feedback carry their client's branch (kept by the triggers below, whoever
-- writes the row), so a manager's list is a range walk of the branch by time or deadline
-- instead of every client of the branch and then each one's rows.
ALTER TABLE visits ADD COLUMN branch_id INTEGER REFERENCES branches(id);
ALTER TABLE feedback ADD COLUMN branch_id INTEGER REFERENCES branches(id);
UPDATE visits SET branch_id = (SELECT c.branch_id FROM clients c WHERE c.id = visits.client_id);
UPDATE feedback SET branch_id = (SELECT c.branch_id FROM clients c WHERE c.id = feedback.client_id);

CREATE TRIGGER visits_branch AFTER INSERT ON visits WHEN NEW.branch_id IS NULL
BEGIN
    UPDATE visits SET branch_id = (SELECT c.branch_id FROM clients c WHERE c.id = NEW.client_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER feedback_branch AFTER INSERT ON feedback WHEN NEW.branch_id IS NULL
BEGIN
    UPDATE feedback SET branch_id = (SELECT c.branch_id FROM clients c WHERE c.id = NEW.client_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER clients_branch_moved AFTER UPDATE OF branch_id ON clients
WHEN OLD.branch_id IS NOT NEW.branch_id
BEGIN
    UPDATE visits SET branch_id = NEW.branch_id WHERE client_id = NEW.id;
    UPDATE feedback SET branch_id = NEW.branch_id WHERE client_id = NEW.id;
END;

-- The branch's visits newest first (F4 for a manager).
CREATE INDEX visits_branch_time ON visits (branch_id, visited_at);
-- Feedback still being handled, by deadline (F4's feedback tab, home's complaints and
-- their count, read from the index alone); handled feedback, newest first, after it.
CREATE INDEX feedback_branch_pending ON feedback (branch_id, deadline, kind, status)
    WHERE status IN ('open', 'in_progress');
CREATE INDEX feedback_branch_done ON feedback (branch_id, received_on)
    WHERE status IN ('resolved', 'closed');

-- The words of each visit (purpose, summary, outcome) as the store writes them
-- (search_terms::visit_terms: Chinese as overlapping pairs of characters, other words
-- whole), so any 2 or more Chinese characters are a phrase and other words a prefix;
-- the prefix indexes make the first one or two characters typed one token to walk.
-- rowid = the visit's time in seconds from 2000-01-01 UTC times 2^32, plus its id: the
-- index walks matches newest first and a date range is a rowid range (store::visits).
CREATE VIRTUAL TABLE visit_text USING fts5 (
    words,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2'
);

-- The order of names: Chinese characters by their pinyin, mixed with Latin letters
-- (search_terms::name_sort_key; written by the store with every save).
ALTER TABLE clients ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
DROP INDEX clients_owner_name;
DROP INDEX clients_branch_name;
CREATE INDEX clients_owner_name ON clients (owner_id, name_key, id);
CREATE INDEX clients_branch_name ON clients (branch_id, name_key, id);

-- migration: 5
-- Administration: the audit log viewer filters by user and by action, newest first and
-- paged by id, so each filter walks its own index backwards from the newest entry.
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (username, id);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log (action, id);
-- A user and an action together (离岗审计 of one kind of act): without it, a pair that
-- never occurs walks every entry of the user to find nothing.
CREATE INDEX IF NOT EXISTS audit_log_user_action ON audit_log (username, action, id);

-- Settings added with the administrator's settings screen (bounds are in the store).
INSERT OR IGNORE INTO settings (key, value) VALUES
    ('backup.keep', '14');

-- migration: 6
-- The manager's desk: hand-overs and their ledger (交接台账), requests a manager decides
-- (审批), tasks a manager gives an RM, and closing a client with a reason.

-- One hand-over: who moved whose clients, why, and when.
CREATE TABLE handovers (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    branch_id    INTEGER NOT NULL REFERENCES branches(id),
    from_id      INTEGER NOT NULL REFERENCES users(id),
    reason       TEXT NOT NULL
                 CHECK (reason IN ('rotation', 'leave', 'departure', 'rebalancing', 'other')),
    reason_text  TEXT,
    by_id        INTEGER NOT NULL REFERENCES users(id),
    request_id   INTEGER                            -- the approved take-over, if any
) STRICT;

CREATE INDEX handovers_branch_at ON handovers (branch_id, at);

-- Each client of a hand-over, as it stood when handed over (the ledger's lines).
CREATE TABLE handover_clients (
    handover_id         INTEGER NOT NULL REFERENCES handovers(id),
    client_id           INTEGER NOT NULL REFERENCES clients(id),
    to_id               INTEGER NOT NULL REFERENCES users(id),
    client_no           TEXT NOT NULL,
    name                TEXT NOT NULL,
    tier                TEXT NOT NULL,
    aum_minor           INTEGER NOT NULL,
    open_tasks          INTEGER NOT NULL,
    pending_complaints  INTEGER NOT NULL,
    maturities_30d      INTEGER NOT NULL,
    PRIMARY KEY (handover_id, client_id)
) STRICT;

CREATE INDEX handover_clients_client ON handover_clients (client_id, handover_id);
CREATE INDEX handover_clients_to ON handover_clients (to_id, handover_id);

-- What an RM asks and a manager decides: a tier override, taking over a client of
-- another RM of the branch, or a product that does not suit the client.
CREATE TABLE requests (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('tier', 'take_over', 'suitability')),
    requester_id  INTEGER NOT NULL REFERENCES users(id),
    branch_id     INTEGER NOT NULL REFERENCES branches(id),
    client_id     INTEGER NOT NULL REFERENCES clients(id),
    tier          TEXT CHECK (tier IN ('general', 'key', 'core')),
    product_id    INTEGER REFERENCES products(id),
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    decided_by    INTEGER REFERENCES users(id),
    decided_at    TEXT,
    note          TEXT,
    created_at    TEXT NOT NULL
) STRICT;

CREATE INDEX requests_branch_status ON requests (branch_id, status, created_at);
CREATE INDEX requests_requester ON requests (requester_id, created_at);
CREATE INDEX requests_client_product ON requests (client_id, product_id, status);

-- A task a manager gave: its giver, a users(id) (NULL for one's own tasks).
ALTER TABLE tasks ADD COLUMN assigned_by INTEGER;

-- A closed client: when and why (the row is kept, status 'closed').
ALTER TABLE clients ADD COLUMN closed_on TEXT;
ALTER TABLE clients ADD COLUMN closed_reason TEXT;

-- migration: 7
-- Reports: the history of every client's AUM and tier, and each product's margin.
--
-- A row is written, in the same transaction, each time the store recomputes a client's
-- AUM or tier (a holding opened, changed or closed; the tier thresholds changed), so the
-- AUM and tier at any past instant are those of the last row at or before it. A
-- database from before this migration has no history: each client's current AUM and
-- tier are recorded as held since the client was created.
CREATE TABLE aum_history (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients(id),
    at          TEXT NOT NULL,                      -- instant the value took effect
    aum_minor   INTEGER NOT NULL,                   -- CNY AUM in fen
    tier        TEXT NOT NULL CHECK (tier IN ('general', 'key', 'core'))
) STRICT;

CREATE INDEX aum_history_client_at ON aum_history (client_id, at);

INSERT INTO aum_history (client_id, at, aum_minor, tier)
SELECT id, created_at, aum_minor, tier FROM clients;

-- The bank's annual income rate on a balance of the product, in percent per year
-- (net interest margin for deposits and loans, fee rate for wealth products, funds and
-- insurance), set by administrators. A client's contribution is the sum over open
-- holdings of amount x margin / 100.
ALTER TABLE products ADD COLUMN margin TEXT NOT NULL DEFAULT '0';

INSERT OR IGNORE INTO settings (key, value) VALUES
    ('churn.aum_drop_pct', '30'),
    ('churn.aum_drop_days', '90'),
    ('churn.maturity_grace_days', '14');

-- migration: 8
-- Marketing: consent, campaigns and their frozen target lists.
--
-- A client's marketing consent (personal-information rules): only 'yes' makes a client
-- a campaign target or a line of a contact-list export. `consent_at` is the instant
-- the current value was given or withdrawn (NULL while never given).
ALTER TABLE clients ADD COLUMN marketing_consent TEXT NOT NULL DEFAULT 'unknown'
    CHECK (marketing_consent IN ('yes', 'no', 'unknown'));
ALTER TABLE clients ADD COLUMN consent_at TEXT;

-- A campaign of a branch, designed by a manager. `segment` is the target filters as
-- `key=value` lines (domain::campaign::Segment); launching freezes the targets that
-- match, consent and suit the product, and records how many were left out and why.
CREATE TABLE campaigns (
    id               INTEGER PRIMARY KEY,
    branch_id        INTEGER NOT NULL REFERENCES branches(id),
    name             TEXT NOT NULL CHECK (length(name) > 0),
    goal             TEXT NOT NULL DEFAULT '',
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    product_id       INTEGER REFERENCES products(id),
    segment          TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'running', 'closed')),
    left_unsuitable  INTEGER NOT NULL DEFAULT 0,
    left_no_consent  INTEGER NOT NULL DEFAULT 0,
    created_by       INTEGER NOT NULL REFERENCES users(id),
    created_at       TEXT NOT NULL,
    launched_at      TEXT,
    closed_at        TEXT
) STRICT;

CREATE INDEX campaigns_branch ON campaigns (branch_id, status, id);

-- One frozen target: its owner RM at launch, the task given to that RM, and the outcome
-- the RM recorded ('sold' names the holding recorded).
CREATE TABLE campaign_targets (
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    rm_id        INTEGER NOT NULL REFERENCES users(id),
    task_id      INTEGER REFERENCES tasks(id),
    outcome      TEXT NOT NULL DEFAULT 'pending'
                 CHECK (outcome IN ('pending', 'not_reached', 'contacted', 'interested',
                                    'declined', 'sold')),
    holding_id   INTEGER REFERENCES holdings(id),
    outcome_at   TEXT,
    PRIMARY KEY (campaign_id, client_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX campaign_targets_rm ON campaign_targets (rm_id, campaign_id);
CREATE INDEX campaign_targets_client ON campaign_targets (client_id);

INSERT OR IGNORE INTO settings (key, value) VALUES ('care.birthday_days', '7');

-- migration: 9
-- Head office: the change log. Every insert or update of a captured table appends the
-- row as it stands after the write, in the same transaction, through triggers that
-- store::changelog generates from its one list of captured tables right after this SQL
-- (and writes every row already there as an insert, so the log alone rebuilds the
-- branch). Nothing is deleted from it; head office reads it in order of `seq`.
CREATE TABLE change_log (
    seq      INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,                         -- instant of the write (SQLite's clock)
    tbl      TEXT NOT NULL,
    row_key  TEXT NOT NULL,                         -- the key columns joined by ':'
    op       TEXT NOT NULL CHECK (op IN ('insert', 'update')),
    row      TEXT NOT NULL                          -- JSON object of the row's columns
) STRICT;

CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

-- What this branch sent to head office: acknowledged pushes and bundles written.
CREATE TABLE hq_sync (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('push', 'bundle')),
    first_seq  INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL,
    at         TEXT NOT NULL,
    detail     TEXT NOT NULL
) STRICT;

-- migration: 10
-- Home's client rules, each a walk of an index of the owner's clients that are not
-- closed: birthdays by month-day, risk assessments by date, and contact due by tier
-- (the override when there is one) and last contact (when never contacted, the instant
-- the client was added).
CREATE INDEX IF NOT EXISTS clients_owner_birthday ON clients (owner_id, substr(birth_date, 6, 5))
    WHERE kind = 'individual' AND status <> 'closed';
CREATE INDEX IF NOT EXISTS clients_owner_risk_on ON clients (owner_id, risk_assessed_on, status)
    WHERE status <> 'closed';
CREATE INDEX IF NOT EXISTS clients_owner_cadence
    ON clients (owner_id, coalesce(tier_override, tier), coalesce(last_contact_at, created_at), id)
    WHERE status <> 'closed';
-- The client list's count (the title), which leaves closed clients out: read from an
-- index alone, not from every client row of the branch.
CREATE INDEX IF NOT EXISTS clients_branch_status ON clients (branch_id, status);

-- migration: 11
-- Reports at branch scale: figures kept up to date in the transaction of each write, so
-- a report reads a few rows per RM instead of every client's history (docs/REPORTS.md,
-- "What is pre-computed").
--
-- A 15-minute slot of an instant: the instant with its minutes cut down to 00, 15, 30 or
-- 45 and no seconds (`2026-11-23T09:30:00Z`). Every local midnight of every time zone in
-- use falls on a slot's start, so "before midnight" is "in a slot before midnight's".
--
-- The AUM of each owner's clients by tier, as changes per slot: the sum of an owner's
-- rows of slots before an instant is the AUM (fen) their clients (owned now) had then, by
-- the tier each had then. Each history row adds its value in its slot and takes the
-- client's previous value away there. Kept by the triggers below: a history row
-- written (whoever writes it, in whatever order of time) and a client changing owner (a
-- hand-over, a take-over) moves the whole of the client's history to its new owner.
-- Everything here is derived from other tables, so a file that comes through this
-- migration again (taken back to an older version) has it made afresh.
DROP TRIGGER IF EXISTS aum_history_derived;
DROP TRIGGER IF EXISTS clients_owner_derived;
DROP TABLE IF EXISTS aum_owner_slots;
DROP TABLE IF EXISTS aum_tier_moves;
DROP TABLE IF EXISTS client_value;

CREATE TABLE aum_owner_slots (
    owner_id   INTEGER NOT NULL,
    slot       TEXT NOT NULL,
    tier       TEXT NOT NULL,
    aum_minor  INTEGER NOT NULL,
    PRIMARY KEY (owner_id, slot, tier)
) STRICT, WITHOUT ROWID;

-- The history rows where a client's tier changed, and each client's first row (from_tier
-- NULL: no value before it), by owner (now) and time: clients moving up or down a tier
-- over a period are read from the rows of the period alone.
CREATE TABLE aum_tier_moves (
    history_id  INTEGER PRIMARY KEY,                -- aum_history.id
    client_id   INTEGER NOT NULL,
    owner_id    INTEGER NOT NULL,
    at          TEXT NOT NULL,
    from_tier   TEXT,
    to_tier     TEXT NOT NULL
) STRICT;

CREATE INDEX aum_tier_moves_owner_at
    ON aum_tier_moves (owner_id, at, history_id, client_id, from_tier, to_tier);
CREATE INDEX aum_tier_moves_client ON aum_tier_moves (client_id);

-- What is there already: each row's value in its slot, taken away in the slot of the
-- client's next row; each row where the tier changed, and each client's first.
INSERT INTO aum_owner_slots (owner_id, slot, tier, aum_minor)
SELECT owner_id, substr(at, 1, 14) || CASE WHEN substr(at, 15, 2) < '15' THEN '00:00Z' WHEN substr(at, 15, 2) < '30' THEN '15:00Z' WHEN substr(at, 15, 2) < '45' THEN '30:00Z' ELSE '45:00Z' END, tier, sum(aum) FROM (
    SELECT c.owner_id AS owner_id, h.at AS at, h.tier AS tier, h.aum_minor AS aum
    FROM aum_history h JOIN clients c ON c.id = h.client_id
    UNION ALL
    SELECT c.owner_id, x.next_at, x.tier, -x.aum_minor
    FROM (SELECT client_id, tier, aum_minor,
                 lead(at) OVER (PARTITION BY client_id ORDER BY at, id) AS next_at
          FROM aum_history) x
    JOIN clients c ON c.id = x.client_id
    WHERE x.next_at IS NOT NULL
)
GROUP BY 1, 2, 3;

INSERT INTO aum_tier_moves (history_id, client_id, owner_id, at, from_tier, to_tier)
SELECT x.id, x.client_id, c.owner_id, x.at, x.prev_tier, x.tier
FROM (SELECT id, client_id, at, tier,
             lag(tier) OVER (PARTITION BY client_id ORDER BY at, id) AS prev_tier
      FROM aum_history) x
JOIN clients c ON c.id = x.client_id
WHERE x.prev_tier IS NOT x.tier;

-- A history row written: its value from its slot on, in place of the client's previous
-- row's (`pred`); when a later row follows it (`succ`, a row written out of time order),
-- the later row now replaces this one's value instead of the previous row's. The tier
-- moves are redone the same way.
CREATE TRIGGER aum_history_derived AFTER INSERT ON aum_history
BEGIN
    INSERT INTO aum_owner_slots (owner_id, slot, tier, aum_minor)
    SELECT c.owner_id, d.slot, d.tier, d.aum FROM clients c, (
        SELECT substr(NEW.at, 1, 14) || CASE WHEN substr(NEW.at, 15, 2) < '15' THEN '00:00Z' WHEN substr(NEW.at, 15, 2) < '30' THEN '15:00Z' WHEN substr(NEW.at, 15, 2) < '45' THEN '30:00Z' ELSE '45:00Z' END AS slot, NEW.tier AS tier, NEW.aum_minor AS aum
        UNION ALL
        SELECT substr(NEW.at, 1, 14) || CASE WHEN substr(NEW.at, 15, 2) < '15' THEN '00:00Z' WHEN substr(NEW.at, 15, 2) < '30' THEN '15:00Z' WHEN substr(NEW.at, 15, 2) < '45' THEN '30:00Z' ELSE '45:00Z' END, p.tier, -p.aum_minor FROM (SELECT p.tier, p.aum_minor FROM aum_history p
                WHERE p.client_id = NEW.client_id AND p.at <= NEW.at AND p.id <> NEW.id
                  AND (p.at < NEW.at OR p.id < NEW.id)
                ORDER BY p.at DESC, p.id DESC LIMIT 1) p
        UNION ALL
        SELECT substr(s.at, 1, 14) || CASE WHEN substr(s.at, 15, 2) < '15' THEN '00:00Z' WHEN substr(s.at, 15, 2) < '30' THEN '15:00Z' WHEN substr(s.at, 15, 2) < '45' THEN '30:00Z' ELSE '45:00Z' END, NEW.tier, -NEW.aum_minor FROM (SELECT s.id, s.client_id, s.at, s.tier, s.aum_minor FROM aum_history s
                WHERE s.client_id = NEW.client_id AND s.at >= NEW.at AND s.id <> NEW.id
                  AND (s.at > NEW.at OR s.id > NEW.id)
                ORDER BY s.at, s.id LIMIT 1) s
        UNION ALL
        SELECT substr(s.at, 1, 14) || CASE WHEN substr(s.at, 15, 2) < '15' THEN '00:00Z' WHEN substr(s.at, 15, 2) < '30' THEN '15:00Z' WHEN substr(s.at, 15, 2) < '45' THEN '30:00Z' ELSE '45:00Z' END, p.tier, p.aum_minor FROM (SELECT p.tier, p.aum_minor FROM aum_history p
                WHERE p.client_id = NEW.client_id AND p.at <= NEW.at AND p.id <> NEW.id
                  AND (p.at < NEW.at OR p.id < NEW.id)
                ORDER BY p.at DESC, p.id DESC LIMIT 1) p, (SELECT s.id, s.client_id, s.at, s.tier, s.aum_minor FROM aum_history s
                WHERE s.client_id = NEW.client_id AND s.at >= NEW.at AND s.id <> NEW.id
                  AND (s.at > NEW.at OR s.id > NEW.id)
                ORDER BY s.at, s.id LIMIT 1) s
    ) d
    WHERE c.id = NEW.client_id
    ON CONFLICT (owner_id, slot, tier) DO UPDATE SET aum_minor = aum_minor + excluded.aum_minor;

    INSERT INTO aum_tier_moves (history_id, client_id, owner_id, at, from_tier, to_tier)
    SELECT NEW.id, NEW.client_id, c.owner_id, NEW.at, p.tier, NEW.tier
    FROM clients c LEFT JOIN (SELECT p.tier, p.aum_minor FROM aum_history p
                WHERE p.client_id = NEW.client_id AND p.at <= NEW.at AND p.id <> NEW.id
                  AND (p.at < NEW.at OR p.id < NEW.id)
                ORDER BY p.at DESC, p.id DESC LIMIT 1) p ON 1
    WHERE c.id = NEW.client_id AND p.tier IS NOT NEW.tier;

    DELETE FROM aum_tier_moves WHERE history_id = (SELECT s.id FROM (SELECT s.id, s.client_id, s.at, s.tier, s.aum_minor FROM aum_history s
                WHERE s.client_id = NEW.client_id AND s.at >= NEW.at AND s.id <> NEW.id
                  AND (s.at > NEW.at OR s.id > NEW.id)
                ORDER BY s.at, s.id LIMIT 1) s);

    INSERT INTO aum_tier_moves (history_id, client_id, owner_id, at, from_tier, to_tier)
    SELECT s.id, s.client_id, c.owner_id, s.at, NEW.tier, s.tier
    FROM clients c, (SELECT s.id, s.client_id, s.at, s.tier, s.aum_minor FROM aum_history s
                WHERE s.client_id = NEW.client_id AND s.at >= NEW.at AND s.id <> NEW.id
                  AND (s.at > NEW.at OR s.id > NEW.id)
                ORDER BY s.at, s.id LIMIT 1) s
    WHERE c.id = NEW.client_id AND s.tier IS NOT NEW.tier;
END;

-- A client changing owner takes its whole history along: its rows' changes leave the old
-- owner's slots and join the new owner's, and its tier moves are the new owner's.
CREATE TRIGGER clients_owner_derived AFTER UPDATE OF owner_id ON clients
WHEN OLD.owner_id IS NOT NEW.owner_id
BEGIN
    INSERT INTO aum_owner_slots (owner_id, slot, tier, aum_minor)
    SELECT o.owner_id, substr(d.at, 1, 14) || CASE WHEN substr(d.at, 15, 2) < '15' THEN '00:00Z' WHEN substr(d.at, 15, 2) < '30' THEN '15:00Z' WHEN substr(d.at, 15, 2) < '45' THEN '30:00Z' ELSE '45:00Z' END, d.tier, o.sign * sum(d.aum)
    FROM (SELECT OLD.owner_id AS owner_id, -1 AS sign UNION ALL SELECT NEW.owner_id, 1) o,
         (SELECT at, tier, aum_minor AS aum FROM aum_history WHERE client_id = NEW.id
          UNION ALL
          SELECT x.next_at, x.tier, -x.aum_minor
          FROM (SELECT tier, aum_minor, lead(at) OVER (ORDER BY at, id) AS next_at
                FROM aum_history WHERE client_id = NEW.id) x
          WHERE x.next_at IS NOT NULL) d
    WHERE 1
    GROUP BY 1, 2, 3
    ON CONFLICT (owner_id, slot, tier) DO UPDATE SET aum_minor = aum_minor + excluded.aum_minor;

    UPDATE aum_tier_moves SET owner_id = NEW.owner_id WHERE client_id = NEW.id;
END;

-- Each client's contribution (Σ over open CNY holdings of amount × margin ÷ 100, exact
-- decimal text, CNY per year), written by the store in the transaction of every holding
-- change and of every margin change (and, here, for every client, right after this SQL).
CREATE TABLE client_value (
    client_id     INTEGER PRIMARY KEY REFERENCES clients(id),
    contribution  TEXT NOT NULL
) STRICT;

-- The performance report's range walks: new clients of an owner by creation, complaints
-- by the day received, feedback by the instant resolved.
CREATE INDEX IF NOT EXISTS clients_owner_created ON clients (owner_id, created_at);
CREATE INDEX IF NOT EXISTS feedback_complaint_received
    ON feedback (received_on, client_id, deadline, resolved_at) WHERE kind = 'complaint';
CREATE INDEX IF NOT EXISTS feedback_resolved_at
    ON feedback (resolved_at, client_id, satisfaction) WHERE status IN ('resolved', 'closed');

-- migration: 12
-- Care occasions on home, each a walk of an index: the anniversary of becoming a client
-- by the owner, the month-day the client was added and the instant (UTC: the local day
-- is checked as it is read; clients added within the last year are skipped on the
-- index), and the festival lists of the clients who consent to marketing, by owner or
-- branch and name (with the columns of the index's condition, so that their count reads
-- the index alone).
CREATE INDEX IF NOT EXISTS clients_owner_joined
    ON clients (owner_id, substr(created_at, 6, 5), created_at)
    WHERE status <> 'closed';
CREATE INDEX IF NOT EXISTS clients_owner_consenting
    ON clients (owner_id, name_key, id, marketing_consent, status)
    WHERE marketing_consent = 'yes' AND status <> 'closed';
CREATE INDEX IF NOT EXISTS clients_branch_consenting
    ON clients (branch_id, name_key, id, marketing_consent, status)
    WHERE marketing_consent = 'yes' AND status <> 'closed';
-- Next best product's peers (same branch, risk level and tier in force, not closed): the
-- group's own range of this index, whatever the share of the tier.
CREATE INDEX IF NOT EXISTS clients_branch_risk_tier
    ON clients (branch_id, risk_level, coalesce(tier_override, tier), status);

-- migration: 13
-- The manager's home counts the branch's visits of the last 7 days still to be checked
-- by a return call: an index of the unchecked visits alone, so the count (which stops
-- at 10,000) reads index entries instead of a visit row each (the condition's column is
-- in the index, so SQLite reads it alone). F4's "not yet checked" filter walks it too.
CREATE INDEX IF NOT EXISTS visits_branch_unchecked
    ON visits (branch_id, visited_at, return_checked_at)
    WHERE return_checked_at IS NULL;

-- The pending complaints (open or in progress) by their client's owner and deadline, so
-- an RM's home walks their own instead of the branch's, reading a client row for each.
-- Derived from feedback and clients, kept by the triggers below whoever writes (a
-- complaint filed, handled, resolved; a client handed over), and made afresh when a file
-- comes through this migration again.
DROP TRIGGER IF EXISTS complaints_pending_filed;
DROP TRIGGER IF EXISTS complaints_pending_changed;
DROP TRIGGER IF EXISTS complaints_pending_owner_moved;
DROP TABLE IF EXISTS complaints_pending;
CREATE TABLE complaints_pending (
    feedback_id  INTEGER PRIMARY KEY,               -- feedback.id
    owner_id     INTEGER NOT NULL,
    client_id    INTEGER NOT NULL,
    deadline     TEXT NOT NULL
) STRICT;
CREATE INDEX complaints_pending_owner ON complaints_pending (owner_id, deadline, feedback_id);
CREATE INDEX complaints_pending_client ON complaints_pending (client_id);
INSERT INTO complaints_pending (feedback_id, owner_id, client_id, deadline)
SELECT f.id, c.owner_id, f.client_id, f.deadline
FROM feedback f JOIN clients c ON c.id = f.client_id
WHERE f.kind = 'complaint' AND f.status IN ('open', 'in_progress');
CREATE TRIGGER complaints_pending_filed AFTER INSERT ON feedback
WHEN NEW.kind = 'complaint' AND NEW.status IN ('open', 'in_progress')
BEGIN
    INSERT INTO complaints_pending (feedback_id, owner_id, client_id, deadline)
    SELECT NEW.id, c.owner_id, NEW.client_id, NEW.deadline FROM clients c WHERE c.id = NEW.client_id;
END;
CREATE TRIGGER complaints_pending_changed AFTER UPDATE OF kind, status, deadline, client_id ON feedback
BEGIN
    DELETE FROM complaints_pending WHERE feedback_id = OLD.id;
    INSERT INTO complaints_pending (feedback_id, owner_id, client_id, deadline)
    SELECT NEW.id, c.owner_id, NEW.client_id, NEW.deadline FROM clients c
    WHERE c.id = NEW.client_id AND NEW.kind = 'complaint' AND NEW.status IN ('open', 'in_progress');
END;
CREATE TRIGGER complaints_pending_owner_moved AFTER UPDATE OF owner_id ON clients
BEGIN
    UPDATE complaints_pending SET owner_id = NEW.owner_id WHERE client_id = NEW.id;
END;

-- migration: 14
-- Care on a manager's home, each a walk of an index of the branch's clients that are not
-- closed: birthdays by month-day and id (a day's first lines are the index's first
-- entries, no sort), anniversaries by the month-day the client was added and the
-- instant. The columns of each index's condition and of its expression are in it, so a
-- day's count reads the index alone instead of a client row per occasion.
CREATE INDEX IF NOT EXISTS clients_branch_birthday
    ON clients (branch_id, substr(birth_date, 6, 5), id, birth_date, kind, status)
    WHERE kind = 'individual' AND status <> 'closed';
CREATE INDEX IF NOT EXISTS clients_branch_joined
    ON clients (branch_id, substr(created_at, 6, 5), created_at, id, status)
    WHERE status <> 'closed';

-- migration: 15
-- The client list's count, kept: clients by branch, owner, tier in force, status, risk
-- level ('' for none) and kind, kept by triggers on every write of a client. The list's
-- title counts a manager's million clients by summing a few hundred of these rows
-- instead of walking a million index entries; every filter of the list is one of these
-- columns. Derived (not in the change log).
CREATE TABLE client_counts (
    branch_id   INTEGER NOT NULL,
    owner_id    INTEGER NOT NULL,
    tier        TEXT NOT NULL,
    status      TEXT NOT NULL,
    risk_level  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (branch_id, owner_id, tier, status, risk_level, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX client_counts_owner ON client_counts (owner_id);
INSERT INTO client_counts
    SELECT branch_id, owner_id, coalesce(tier_override, tier), status, coalesce(risk_level, ''),
           kind, count(*)
    FROM clients GROUP BY 1, 2, 3, 4, 5, 6;
CREATE TRIGGER client_counts_added AFTER INSERT ON clients
BEGIN
    INSERT INTO client_counts VALUES (NEW.branch_id, NEW.owner_id,
        coalesce(NEW.tier_override, NEW.tier), NEW.status, coalesce(NEW.risk_level, ''),
        NEW.kind, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER client_counts_changed
AFTER UPDATE OF branch_id, owner_id, tier, tier_override, status, risk_level, kind ON clients
WHEN OLD.branch_id IS NOT NEW.branch_id OR OLD.owner_id IS NOT NEW.owner_id
  OR coalesce(OLD.tier_override, OLD.tier) IS NOT coalesce(NEW.tier_override, NEW.tier)
  OR OLD.status IS NOT NEW.status OR OLD.risk_level IS NOT NEW.risk_level
  OR OLD.kind IS NOT NEW.kind
BEGIN
    UPDATE client_counts SET n = n - 1
    WHERE branch_id = OLD.branch_id AND owner_id = OLD.owner_id
      AND tier = coalesce(OLD.tier_override, OLD.tier) AND status = OLD.status
      AND risk_level = coalesce(OLD.risk_level, '') AND kind = OLD.kind;
    INSERT INTO client_counts VALUES (NEW.branch_id, NEW.owner_id,
        coalesce(NEW.tier_override, NEW.tier), NEW.status, coalesce(NEW.risk_level, ''),
        NEW.kind, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER client_counts_removed AFTER DELETE ON clients
BEGIN
    UPDATE client_counts SET n = n - 1
    WHERE branch_id = OLD.branch_id AND owner_id = OLD.owner_id
      AND tier = coalesce(OLD.tier_override, OLD.tier) AND status = OLD.status
      AND risk_level = coalesce(OLD.risk_level, '') AND kind = OLD.kind;
END;

-- migration: 16
-- A campaign's segment count (the form's preview, the question before a launch) reads
-- this index alone, never the client rows: it holds every column a segment filters on,
-- so a count walks the branch's entries (65 MB at 1,000,000 clients) instead of the
-- clients table (360 MB), a third of the time. The launch itself still reads the table
-- in rowid order, so each target's client row is in the cache for its foreign keys.
CREATE INDEX IF NOT EXISTS clients_segment ON clients (branch_id, status, owner_id, tier,
    tier_override, risk_level, risk_assessed_on, aum_minor, last_contact_at, birth_date,
    marketing_consent);
