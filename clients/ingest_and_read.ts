// Ingest an article and read it back, typed by the `paths` that openapi-typescript
// generates from the served schema (`clients/check.sh` writes it as ./schema.d.ts and
// checks this file with `tsc --noEmit --strict`).
import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
type Problem = Schemas["Problem"];

const TITLE = "Harbour council approves tidal plan";
const TEXT =
  '"The tide turns twice a day, and so will our turbines," said Mayor Jo Bell on Tuesday.\n' +
  "Critics said the plan would cost too much.\n";

function explain(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.loc.join(".")}: ${e.msg}`);
  return `${problem.status} ${problem.type}: ${problem.detail} ${fields.join("; ")}`;
}

export async function ingestAndRead(baseUrl: string, apiKey?: string): Promise<Schemas["Quote"][]> {
  const client = createClient<paths>({ baseUrl });
  const article: Schemas["ArticleText"] = { text: TEXT, title: TITLE, source: "Example News" };
  const created = await client.POST("/articles", {
    body: article,
    headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : {},
  });
  if (created.error) throw new Error(explain(created.error));
  const stored: Schemas["ArticleDetail"] | Schemas["JobDetail"] = created.data;
  if (!("text" in stored)) throw new Error(`queued as job ${stored.id}`);

  const read = await client.GET("/articles/{article_id}", { params: { path: { article_id: stored.id } } });
  if (read.error) throw new Error(explain(read.error));
  if (read.data.text !== stored.text) throw new Error("the stored text came back changed");

  const quotes = await client.GET("/articles/{article_id}/quotes", { params: { path: { article_id: stored.id } } });
  if (quotes.error) throw new Error(explain(quotes.error));
  for (const quote of quotes.data.items) {
    const kind: "direct" | "mixed" | "indirect" = quote.kind;
    console.log(`${quote.speaker?.name ?? "(unnamed)"}: ${quote.text} (${kind}, ${quote.cue_type})`);
  }
  return quotes.data.items;
}

// Never called: `tsc` fails if one of these stops being an error.
export function bodiesTheTypesRefuse(client: ReturnType<typeof createClient<paths>>): void {
  // @ts-expect-error a misspelt field is not an article
  void client.POST("/articles", { body: { txet: 1 } });
  // @ts-expect-error an article needs its text or its html
  void client.POST("/articles", { body: { title: "Only a title" } });
  // @ts-expect-error a Problem's type is one of the listed values
  const type: Problem["type"] = "urn:newsdesk:problem:no-such-thing";
  void type;
}
