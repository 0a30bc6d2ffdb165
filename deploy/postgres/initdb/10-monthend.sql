-- Monthend's own role and database on the PostgreSQL server it shares with Temporal.
--
-- The postgres image runs this once, as the superuser (POSTGRES_USER=temporal), when the data
-- volume is initialised for the first time; it is not run again against an existing volume.
-- Temporal keeps to its own databases (temporal, temporal_visibility), which the
-- temporal-admin-tools service creates and migrates (deploy/temporal/scripts/setup-postgres.sh).
--
-- Owning the database gives monthend everything the migrations need (the drizzle schema,
-- tables in public) without being a superuser.
CREATE ROLE monthend WITH LOGIN PASSWORD 'monthend';
CREATE DATABASE monthend OWNER monthend;
