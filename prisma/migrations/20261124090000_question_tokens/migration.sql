-- AlterTable
ALTER TABLE "FlowSession" ADD COLUMN     "choiceToken" TEXT;
