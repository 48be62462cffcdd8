-- The host database's tables for DuckDB (the embedded demo database): the twin of host-schema.mysql.sql,
-- with the same tables, columns, column order, NULL-ability and defaults. Type mapping:
--   BIGINT UNSIGNED -> UBIGINT          INT -> INTEGER           DECIMAL(p,s) -> DECIMAL(p,s)
--   TINYINT(1)      -> TINYINT (1/0, not BOOLEAN: SQL comparing `billable = 1` reads the same on both)
--   ENUM(...)       -> VARCHAR + CHECK   CHAR(3) -> VARCHAR(3)   DATETIME -> TIMESTAMP (no time zone)
-- MySQL's secondary KEYs are left out: DuckDB scans columns with zone maps, and an ART index would only
-- slow the bulk load. PRIMARY KEY and the UNIQUE (clinic_id, code) constraint are kept.

CREATE TABLE clinics (
  id          UBIGINT PRIMARY KEY,
  name        VARCHAR(200) NOT NULL,
  timezone    VARCHAR(64)  NOT NULL DEFAULT 'America/New_York',  -- IANA name
  currency    VARCHAR(3)   NOT NULL DEFAULT 'USD'
);

CREATE TABLE providers (
  id          UBIGINT PRIMARY KEY,
  clinic_id   UBIGINT NOT NULL,
  first_name  VARCHAR(100) NOT NULL,
  last_name   VARCHAR(100) NOT NULL,
  credentials VARCHAR(20)  NULL,          -- 'DC', 'PT', 'LMT', ...
  npi         VARCHAR(10)  NULL,
  active      TINYINT      NOT NULL DEFAULT 1
);

CREATE TABLE payors (
  id          UBIGINT PRIMARY KEY,
  clinic_id   UBIGINT NOT NULL,
  name        VARCHAR(200) NOT NULL,
  payor_type  VARCHAR(20)  NOT NULL
    CHECK (payor_type IN ('commercial', 'medicare', 'medicaid', 'workers_comp', 'auto', 'other'))
);

CREATE TABLE case_types (
  id          UBIGINT PRIMARY KEY,
  clinic_id   UBIGINT NOT NULL,
  name        VARCHAR(100) NOT NULL       -- 'Personal Injury', 'Workers Comp', 'Wellness', ...
);

CREATE TABLE service_codes (
  id          UBIGINT PRIMARY KEY,
  clinic_id   UBIGINT NOT NULL,
  code        VARCHAR(20)  NOT NULL,      -- '98941', '97110', or a clinic's own code such as 'MASS60'
  description VARCHAR(255) NOT NULL,
  code_type   VARCHAR(6)   NOT NULL CHECK (code_type IN ('cpt', 'custom')),
  billable    TINYINT      NOT NULL,      -- the report's Billing Type: 1 billable, 0 non-billable
  default_fee DECIMAL(10,2) NULL,
  UNIQUE (clinic_id, code)
);

CREATE TABLE patients (                   -- personal data: the plugin exposes none of it
  id            UBIGINT PRIMARY KEY,
  clinic_id     UBIGINT NOT NULL,
  first_name    VARCHAR(100) NOT NULL,
  last_name     VARCHAR(100) NOT NULL,
  date_of_birth DATE NULL
);

CREATE TABLE patient_cases (
  id            UBIGINT PRIMARY KEY,
  clinic_id     UBIGINT NOT NULL,
  patient_id    UBIGINT NOT NULL,
  case_type_id  UBIGINT NOT NULL,
  opened_on     DATE NOT NULL
);

CREATE TABLE purchases (                  -- one visit / transaction
  id              UBIGINT PRIMARY KEY,
  clinic_id       UBIGINT NOT NULL,
  patient_id      UBIGINT NOT NULL,
  patient_case_id UBIGINT NULL,           -- NULL: a visit outside any case
  provider_id     UBIGINT NOT NULL,       -- the visit's provider
  payor_id        UBIGINT NULL,           -- the payor billed; NULL: self-pay
  purchased_on    DATE NOT NULL,          -- date of service, the clinic's own calendar date
  status          VARCHAR(9) NOT NULL CHECK (status IN ('open', 'finalized', 'void')),
  created_at      TIMESTAMP NOT NULL,
  updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE purchase_items (             -- one service code billed on a purchase
  id                    UBIGINT PRIMARY KEY,
  clinic_id             UBIGINT NOT NULL,
  purchase_id           UBIGINT NOT NULL,
  service_code_id       UBIGINT NOT NULL,
  rendering_provider_id UBIGINT NULL,     -- NULL: the purchase's provider rendered it
  units                 INTEGER NOT NULL DEFAULT 1,
  unit_fee              DECIMAL(10,2) NOT NULL,
  billed_amount         DECIMAL(12,2) NOT NULL,
  modifiers             VARCHAR(20) NULL,
  created_at            TIMESTAMP NOT NULL,
  updated_at            TIMESTAMP NOT NULL
);

CREATE TABLE payments (                   -- money received: an insurance ERA/check, or a patient payment
  id          UBIGINT PRIMARY KEY,
  clinic_id   UBIGINT NOT NULL,
  source      VARCHAR(9) NOT NULL CHECK (source IN ('insurance', 'patient')),
  payor_id    UBIGINT NULL,               -- set when source = 'insurance'
  received_on DATE NOT NULL,
  posted_at   TIMESTAMP NOT NULL,         -- UTC
  reference   VARCHAR(64) NULL            -- ERA trace or check number
);

CREATE TABLE payment_applications (       -- part of a payment applied to one purchase item
  id               UBIGINT PRIMARY KEY,
  clinic_id        UBIGINT NOT NULL,
  payment_id       UBIGINT NOT NULL,
  purchase_item_id UBIGINT NOT NULL,
  amount           DECIMAL(12,2) NOT NULL,  -- negative for a takeback / recoupment
  applied_at       TIMESTAMP NOT NULL       -- UTC
);
