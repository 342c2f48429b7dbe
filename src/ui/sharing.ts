/**
 * Sharing, on the page's side: a link that opens the same session, a file to download, and reading
 * a file someone chose. The checks themselves (sizes, schema) live with the codec; this module only
 * deals with the browser (URLs, Blobs, Files).
 */
import { SCENARIO_LIMITS, type ParsedScenario, type Scenario } from '../bridge/scenario';
import { encodeScenarioForLink, scenarioFromJson, scenarioToJson } from '../bridge/scenario-codec';
import { CODE_LINK_LIMITS } from './code/code-link';

/**
 * A link to this page that opens `scenario`: the page's own address, `#scenario=` and the code.
 * `code` (the Code tool's, encoded by code-link.ts) rides along as `&code=`: it opens in the Code
 * tool and runs only when the learner presses Run.
 */
export async function shareLink(
  scenario: Scenario,
  page: { origin: string; pathname: string },
  code?: string,
): Promise<string | { error: string }> {
  const encoded = await encodeScenarioForLink(scenario);
  // The same limit the link is read with: a link the app writes, it can open.
  if (encoded.length > SCENARIO_LIMITS.linkChars) {
    return {
      error: `This session is too large for a link (${encoded.length.toLocaleString('en-US')} characters; a link opens up to ${SCENARIO_LIMITS.linkChars.toLocaleString('en-US')}). Use “Download .json” to share it as a file.`,
    };
  }
  if (code !== undefined && code.length > CODE_LINK_LIMITS.linkChars) {
    return {
      error: `The Code tool's code is too large for a link (${code.length.toLocaleString('en-US')} characters encoded; a link carries up to ${CODE_LINK_LIMITS.linkChars.toLocaleString('en-US')}). Close the Code tool to share the session without it.`,
    };
  }
  return `${page.origin}${page.pathname}#scenario=${encoded}${code !== undefined ? `&code=${code}` : ''}`;
}

/** Why this scenario cannot be saved as a file the app opens again, if it cannot. */
export function fileProblem(scenario: Scenario): string | undefined {
  const bytes = new TextEncoder().encode(scenarioToJson(scenario)).length;
  if (bytes <= SCENARIO_LIMITS.fileBytes) return undefined;
  const kb = (n: number) => `${Math.round(n / 1000)} kB`;
  return `This session is too large to save as a file (${kb(bytes)}; a file opens up to ${kb(SCENARIO_LIMITS.fileBytes)}).`;
}

export function scenarioFileName(scenario: Scenario): string {
  return `streamlab-seed-${scenario.options.seed}-at-${scenario.atMs}ms.json`;
}

/** Offer the scenario as a JSON file (an object URL, revoked once the download has started). */
export function downloadScenario(scenario: Scenario, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([scenarioToJson(scenario)], { type: 'application/json' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = scenarioFileName(scenario);
  a.rel = 'noopener';
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Read a chosen file as a scenario; its size is checked before a byte of it is read. */
export async function readScenarioFile(file: Pick<File, 'size' | 'text' | 'name'>): Promise<ParsedScenario> {
  if (file.size > SCENARIO_LIMITS.fileBytes) {
    const kb = (n: number) => `${Math.round(n / 1000)} kB`;
    return {
      ok: false,
      message: `This file is too large (${kb(file.size)}; the limit is ${kb(SCENARIO_LIMITS.fileBytes)}).`,
    };
  }
  let text: string;
  try {
    text = await file.text();
  } catch {
    return { ok: false, message: 'This file could not be read.' };
  }
  return scenarioFromJson(text);
}
