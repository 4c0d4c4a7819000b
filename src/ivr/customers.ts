import type { Knex } from 'knex';
import type { CallbackRequest, CallbackRequests, Customer, CustomerDirectory } from './context.js';

/** customers table lookups by calling number (E.164); one indexed read per lookup node. */
export class PgCustomerDirectory implements CustomerDirectory {
  constructor(private readonly db: Knex) {}

  async findByPhone(phone: string): Promise<Customer | undefined> {
    const row = await this.db('customers')
      .select('phone', 'name', 'tags', 'vip', 'language')
      .where({ phone })
      .first();
    return row ? { ...row, tags: row.tags ?? [] } : undefined;
  }
}

/** callback_requests rows; a retried write of the same call stores one request. */
export class PgCallbackRequests implements CallbackRequests {
  constructor(private readonly db: Knex) {}

  async request(r: CallbackRequest): Promise<void> {
    await this.db('callback_requests')
      .insert({
        call_id: r.callId,
        phone: r.phone,
        did: r.did,
        flow_id: r.flowId,
        node_id: r.nodeId,
        language: r.language,
        purpose: r.purpose,
        priority: r.priority,
      })
      .onConflict('call_id')
      .ignore();
  }
}
