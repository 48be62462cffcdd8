#!/bin/sh
# MySQL image init step (docker-compose.yml): the plugin's database user. It may only READ the host
# tables, and may write only to its own pre-aggregations schema (rollup tables Cube builds there) and
# the change tracker's schema beside it (server/refresh/change-tracker.ts). The two indexes on
# updated_at are the ones docs/model.md recommends to a DBA; here the demo database gets them.
set -eu
# The password as a MySQL string literal: backslashes doubled, then quotes doubled.
plugin_password=$(printf '%s' "$SCU_DB_PASS" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")
mysql -uroot -p"$MYSQL_ROOT_PASSWORD" <<SQL
CREATE USER IF NOT EXISTS 'scu_plugin'@'%' IDENTIFIED BY '${plugin_password}';
GRANT SELECT ON \`${MYSQL_DATABASE}\`.* TO 'scu_plugin'@'%';
CREATE DATABASE IF NOT EXISTS \`${SCU_PRE_AGGREGATIONS_SCHEMA}\`;
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW
  ON \`${SCU_PRE_AGGREGATIONS_SCHEMA}\`.* TO 'scu_plugin'@'%';
CREATE DATABASE IF NOT EXISTS \`${SCU_PRE_AGGREGATIONS_SCHEMA}_changes\`;
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE
  ON \`${SCU_PRE_AGGREGATIONS_SCHEMA}_changes\`.* TO 'scu_plugin'@'%';
CREATE INDEX scu_updated_at ON \`${MYSQL_DATABASE}\`.purchases (updated_at);
CREATE INDEX scu_updated_at ON \`${MYSQL_DATABASE}\`.purchase_items (updated_at);
SQL
