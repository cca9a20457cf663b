import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_REGISTRATION } from '../../workflows/definitions';

const { IndexedValueType } = proto.temporal.api.enums.v1;
const INDEXED: Record<string, proto.temporal.api.enums.v1.IndexedValueType> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

const isNotFound = (e: unknown) => (e as { code?: number }).code === 5;

/**
 * On a Temporal server of our own (the cluster profile): the namespace with its retention, and the
 * contract's search attributes on it (SQL visibility keeps them per namespace). Both idempotent: what
 * exists is left as it is, but a namespace whose retention differs is updated to the one asked for.
 * Returns what it did, for the setup's log.
 */
export async function ensureNamespace(connection: Connection, namespace: string, retentionDays: number): Promise<string[]> {
  const did: string[] = [];
  const svc = connection.workflowService;
  const ttl = msToTs(`${retentionDays} days`);
  const retention = `${retentionDays} days`;
  try {
    const ns = await svc.describeNamespace({ namespace });
    if (String(ns.config?.workflowExecutionRetentionTtl?.seconds) !== String(ttl.seconds)) {
      await svc.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: ttl } });
      did.push(`namespace ${namespace}: retention set to ${retention}`);
    }
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await svc.registerNamespace({ namespace, workflowExecutionRetentionPeriod: ttl, description: 'sohoa: sổ hộ tịch của một tỉnh' });
    did.push(`namespace ${namespace} registered, retention ${retention}`);
  }
  // A new namespace reaches every frontend's cache within seconds: wait until a list answers.
  await untilAnswered(() => svc.listWorkflowExecutions({ namespace, pageSize: 1 }));
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.entries(SEARCH_ATTRIBUTE_REGISTRATION).filter(([name]) => !(name in (customAttributes ?? {})));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map(([name, type]) => {
          const t = INDEXED[type];
          if (t === undefined) throw new Error(`search attribute ${name}: type ${type} is not mapped`);
          return [name, t];
        }),
      ),
    });
    did.push(`search attributes added: ${missing.map(([n, t]) => `${n}=${t}`).join(' ')}`);
    // SQL visibility keeps them on the namespace, which each service reloads every 2 s: a query naming
    // every one of them answers once the frontend has them.
    const query = missing.map(([name]) => `${name} IS NULL`).join(' AND ');
    await untilAnswered(() => svc.countWorkflowExecutions({ namespace, query }));
  }
  return did;
}

/** Asks again every 200 ms until the call answers; its last error after about 30 s. */
async function untilAnswered(call: () => Promise<unknown>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await call();
      return;
    } catch (e) {
      if (i > 150) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
