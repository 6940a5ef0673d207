/** The scopes a user has allowed a client, remembered so the consent page is not shown again for them. */
export interface ConsentRecord {
  userId: string;
  clientId: string;
  scope: string[];
  updatedAt: Date;
}

export abstract class ConsentRepository {
  abstract find(userId: string, clientId: string): Promise<ConsentRecord | null>;
  /** Stores the user's consent to the client, replacing any earlier one. */
  abstract save(consent: ConsentRecord): Promise<void>;
  /** Forgets the user's consent to the client; a later request asks again. */
  abstract delete(userId: string, clientId: string): Promise<void>;
  /**
   * Forgets every user's consent to the client (the client is deleted): a client registered later under the same
   * id must ask again. Returns how many.
   */
  abstract deleteForClient(clientId: string): Promise<number>;
}
