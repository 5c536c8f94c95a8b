/** Who asked: the Teams user (name and Entra object id) and the conversation they asked in. */
export interface Caller {
  actor: { name: string; aadObjectId?: string };
  conversationId: string;
}

/** What every use case reads the time from (the composition root's one clock). */
export interface Clocked {
  clock: () => Date;
}
