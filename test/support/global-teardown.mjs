/** Drops this run's template (global-setup.mjs); the second project's call finds nothing left. */
export default async function globalTeardown() {
  const template = process.env.WINDWARD_TEST_TEMPLATE;
  if (!template) return;
  delete process.env.WINDWARD_TEST_TEMPLATE;
  const { dropTemplate } = await import('./database-template.ts');
  await dropTemplate(process.env.DATABASE_URL, template);
}
