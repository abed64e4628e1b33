// Names the upload form and its action share (the page renders them, the server reads them).

/** The radio value for "a new wave": no wave label can start with "+". */
export const NEW_WAVE = "+new";
export const FILES_FIELD = "files";

export interface FieldError {
  field: "wave" | "newWave" | "files";
  message: string;
}

export interface FormValues {
  wave: string;
  newWave: string;
  synthetic: boolean;
}
