/** The help text of the commands that look after a deployment (doctor, backup, restore). */
export const OPERATIONS_USAGE = `Looking after a deployment:
  doctor [--quick]
      Check everything the bot needs — database, Redis, channels, voice tools, data directory, secrets, clock —
      and print a fix for each problem. Exits 1 when something must be fixed. --quick skips the checks
      that call Telegram or concern backups (the container's health check uses it).

  backup <directory>
      Write a backup into a new or empty directory: the database (pg_dump, one consistent snapshot),
      the media files, the generated secret, and manifest.json (version, migrations, row counts,
      checksums). The bot may keep running. Needs pg_dump as new as the server (postgresql-client).

  restore <directory>
      Bring a backup back onto an empty deployment (stop the bot first). Refuses a database or media
      directory that already holds data, a damaged backup, one made by a newer Kinbridge, or a
      KINBRIDGE_SECRET other than the backed-up one.`;
