-- A broadcast's photo or voice note is now taken into the media store (type checked, metadata removed) and sent
-- from there on every platform, instead of relayed by the coordinator's platform file id with its metadata.
-- Attachments of broadcasts not yet sent that still name a platform file cannot be cleaned after the fact: they
-- are dropped (the text still goes), rather than sent with the metadata this change exists to remove.
UPDATE "Broadcast" SET "media" = NULL WHERE "media" IS NOT NULL AND NOT ("media" ? 'storageKey');

-- AlterTable
ALTER TABLE "Broadcast" DROP COLUMN "mediaChannel";
