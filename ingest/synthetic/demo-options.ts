// The demo dataset's generator options, with inputs read from the project's reference files.
import { DEMO_OPTIONS, type GenerateOptions } from "./generate";
import { loadSyntheticInputs } from "./inputs";

export function demoOptions(): GenerateOptions {
  return { ...DEMO_OPTIONS, waves: [...DEMO_OPTIONS.waves], inputs: loadSyntheticInputs() };
}
