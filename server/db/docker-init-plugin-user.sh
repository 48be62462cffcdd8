#!/bin/sh
# MySQL image init step (docker-compose.yml): the plugin's database user. It may only READ the host
# tables, and may write only to its own pre-aggregations schema (rollup tables Cube builds there).
set -eu
mysql -uroot -p"$MYSQL_ROOT_PASSWORD" <<SQL
CREATE USER IF NOT EXISTS 'scu_plugin'@'%' IDENTIFIED BY '${SCU_DB_PASS}';
GRANT SELECT ON \`${MYSQL_DATABASE}\`.* TO 'scu_plugin'@'%';
CREATE DATABASE IF NOT EXISTS \`${SCU_PRE_AGGREGATIONS_SCHEMA}\`;
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, CREATE VIEW, SHOW VIEW
  ON \`${SCU_PRE_AGGREGATIONS_SCHEMA}\`.* TO 'scu_plugin'@'%';
SQL
