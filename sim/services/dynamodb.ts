/**
 * DynamoDB simulator: tables with HASH[/RANGE] keys, item reads and conditional writes with a real
 * expression parser, Query/Scan with pagination, TTL deletion some minutes after expiry (expired
 * items stay readable until then, as on AWS) and TransactWriteItems. Values are kept on the wire
 * shape (AttributeValue maps, numbers as decimal strings).
 */
import type * as D from '@aws-sdk/client-dynamodb';
import { AwsFault } from '../aws-fault.js';
import type { SimContext } from '../context.js';
import { getPath, project } from './dynamodb/evaluate.js';
import { analyseKeyCondition, checkQueryFilter, queryItems, readPage, scanStartAfter, startAfter } from './dynamodb/reads.js';
import { checkEnum, checkReturnOnFailure, checkReturnValues, consumed, parseExpressions, readUnits, rejectLegacy, writeUnits } from './dynamodb/requests.js';
import { Table } from './dynamodb/table.js';
import { TtlReaper } from './dynamodb/ttl.js';
import { checkTableInput, tableNameOf } from './dynamodb/tables.js';
import { transactWrite } from './dynamodb/transactions.js';
import { itemSize, validation, type Item } from './dynamodb/values.js';
import { commit, conditionFailure, prepareDelete, preparePut, prepareUpdate, writtenBytes, type Prepared } from './dynamodb/writes.js';

type Out<T> = Omit<T, '$metadata'>;
/** Simulator values are the wire shape; the SDK's AttributeValue union is the same data. */
const wire = <T>(x: object): Out<T> => x as Out<T>;

export class DynamoDbSim {
  readonly tables = new Map<string, Table>();
  readonly ttl: TtlReaper;
  /** ClientRequestToken → request fingerprint and time, for TransactWriteItems idempotency. */
  readonly transactionTokens = new Map<string, { fingerprint: string; at: number }>();

  constructor(readonly ctx: SimContext) {
    this.ttl = new TtlReaper(ctx);
  }

  /** The table, or ResourceNotFoundException. */
  table(nameOrArn: string | undefined): Table {
    const t = this.tables.get(tableNameOf(nameOrArn));
    if (!t) throw new AwsFault('ResourceNotFoundException', 'Requested resource not found');
    return t;
  }

  // ---- control plane ----

  CreateTable(input: D.CreateTableCommandInput): Out<D.CreateTableCommandOutput> {
    const billing = checkTableInput(input);
    const name = input.TableName as string;
    if (this.tables.has(name)) throw new AwsFault('ResourceInUseException', `Table already exists: ${name}`);
    const t = new Table(
      name,
      this.ctx.ids.arn('dynamodb', `table/${name}`),
      this.ctx.ids.uuid(),
      this.ctx.clock.now(),
      input.KeySchema as D.KeySchemaElement[],
      input.AttributeDefinitions as D.AttributeDefinition[],
      billing,
      input.DeletionProtectionEnabled === true,
    );
    this.tables.set(name, t);
    return { TableDescription: t.describe() };
  }

  DescribeTable(input: D.DescribeTableCommandInput): Out<D.DescribeTableCommandOutput> {
    const t = this.tables.get(tableNameOf(input.TableName));
    if (!t) throw new AwsFault('ResourceNotFoundException', `Requested resource not found: Table: ${input.TableName} not found`);
    return { Table: t.describe() };
  }

  DeleteTable(input: D.DeleteTableCommandInput): Out<D.DeleteTableCommandOutput> {
    const t = this.table(input.TableName);
    if (t.deletionProtection) throw validation('Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
    this.ttl.disable(t);
    this.tables.delete(t.name);
    return { TableDescription: t.describe('DELETING') };
  }

  ListTables(input: D.ListTablesCommandInput): Out<D.ListTablesCommandOutput> {
    const limit = input.Limit ?? 100;
    if (limit < 1 || limit > 100) throw validation(`1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`);
    const names = [...this.tables.keys()].sort().filter((n) => input.ExclusiveStartTableName === undefined || n > input.ExclusiveStartTableName);
    const page = names.slice(0, limit);
    return { TableNames: page, ...(names.length > limit ? { LastEvaluatedTableName: page[page.length - 1] } : {}) };
  }

  UpdateTimeToLive(input: D.UpdateTimeToLiveCommandInput): Out<D.UpdateTimeToLiveCommandOutput> {
    const spec = input.TimeToLiveSpecification;
    if (!spec || spec.Enabled === undefined || !spec.AttributeName) {
      throw validation("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null");
    }
    if (spec.AttributeName.length > 255) throw validation('TimeToLive AttributeName must be between 1 and 255 characters');
    const t = this.table(input.TableName);
    const now = this.ctx.clock.now();
    if (spec.Enabled === t.ttl.enabled) throw validation(`TimeToLive is already ${spec.Enabled ? 'enabled' : 'disabled'}`);
    if (t.ttl.changedAt !== undefined && now - t.ttl.changedAt < 3600_000) {
      throw validation('Time to live has been modified multiple times within a fixed interval');
    }
    Object.assign(t.ttl, { enabled: spec.Enabled, attribute: spec.AttributeName, changedAt: now });
    if (spec.Enabled) this.ttl.enable(t);
    else this.ttl.disable(t);
    return { TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: spec.AttributeName } };
  }

  DescribeTimeToLive(input: D.DescribeTimeToLiveCommandInput): Out<D.DescribeTimeToLiveCommandOutput> {
    const t = this.table(input.TableName);
    const status = t.ttl.enabled ? 'ENABLED' : 'DISABLED';
    return { TimeToLiveDescription: { TimeToLiveStatus: status, ...(t.ttl.enabled ? { AttributeName: t.ttl.attribute } : {}) } };
  }

  // ---- items ----

  GetItem(input: D.GetItemCommandInput): Out<D.GetItemCommandOutput> {
    const parsed = parseExpressions(input, ['ProjectionExpression']);
    const t = this.table(input.TableName);
    const key = t.checkKey(input.Key);
    const item = t.get(key);
    const units = readUnits(item ? itemSize(item) : 0, input.ConsistentRead === true);
    const out = item && parsed.projection ? project(item, parsed.projection) : item;
    return wire<D.GetItemCommandOutput>({ ...(out ? { Item: out } : {}), ...consumed(input.ReturnConsumedCapacity, t.name, units) });
  }

  PutItem(input: D.PutItemCommandInput): Out<D.PutItemCommandOutput> {
    const parsed = parseExpressions(input, ['ConditionExpression']);
    const rv = checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
    const onFailure = checkReturnOnFailure(input.ReturnValuesOnConditionCheckFailure);
    const p = preparePut(this.table(input.TableName), input.Item, parsed, onFailure);
    this.write(p);
    return wire<D.PutItemCommandOutput>({ ...(rv === 'ALL_OLD' && p.old ? { Attributes: p.old } : {}), ...this.writeCapacity(input.ReturnConsumedCapacity, p) });
  }

  UpdateItem(input: D.UpdateItemCommandInput): Out<D.UpdateItemCommandOutput> {
    const parsed = parseExpressions(input, ['UpdateExpression', 'ConditionExpression']);
    const rv = checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']);
    const onFailure = checkReturnOnFailure(input.ReturnValuesOnConditionCheckFailure);
    const p = prepareUpdate(this.table(input.TableName), input.Key, parsed, onFailure);
    this.write(p);
    const next = p.next as Item;
    let attrs: Item | undefined;
    if (rv === 'ALL_OLD') attrs = p.old;
    else if (rv === 'ALL_NEW') attrs = next;
    else if (rv === 'UPDATED_OLD') attrs = p.old && project(p.old, p.paths);
    else if (rv === 'UPDATED_NEW') attrs = project(next, p.paths.filter((path) => getPath(next, path) !== undefined));
    const hasAttrs = attrs !== undefined && Object.keys(attrs).length > 0;
    return wire<D.UpdateItemCommandOutput>({ ...(hasAttrs ? { Attributes: attrs } : {}), ...this.writeCapacity(input.ReturnConsumedCapacity, p) });
  }

  DeleteItem(input: D.DeleteItemCommandInput): Out<D.DeleteItemCommandOutput> {
    const parsed = parseExpressions(input, ['ConditionExpression']);
    const rv = checkReturnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
    const onFailure = checkReturnOnFailure(input.ReturnValuesOnConditionCheckFailure);
    const p = prepareDelete(this.table(input.TableName), input.Key, parsed, onFailure);
    this.write(p);
    return wire<D.DeleteItemCommandOutput>({ ...(rv === 'ALL_OLD' && p.old ? { Attributes: p.old } : {}), ...this.writeCapacity(input.ReturnConsumedCapacity, p) });
  }

  TransactWriteItems(input: D.TransactWriteItemsCommandInput): Out<D.TransactWriteItemsCommandOutput> {
    return transactWrite(this, input);
  }

  private write(p: Prepared): void {
    if (!p.conditionOk) throw conditionFailure(p);
    commit(p, this.ttl);
  }

  private writeCapacity(mode: string | undefined, p: Prepared) {
    return consumed(mode, p.table.name, writeUnits(writtenBytes(p)));
  }

  // ---- query and scan ----

  Query(input: D.QueryCommandInput): Out<D.QueryCommandOutput> {
    rejectLegacy(input);
    if (input.KeyConditionExpression === undefined) throw validation('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
    const countOnly = this.checkSelect(input);
    const parsed = parseExpressions(input, ['KeyConditionExpression', 'FilterExpression', 'ProjectionExpression']);
    const t = this.table(input.TableName);
    if (input.IndexName !== undefined) throw validation(`The table does not have the specified index: ${input.IndexName}`);
    const kc = analyseKeyCondition(t, parsed.keyCondition as NonNullable<typeof parsed.keyCondition>);
    if (parsed.filter) checkQueryFilter(t, parsed.filter);
    const forward = input.ScanIndexForward !== false;
    const items = queryItems(t, kc, forward);
    const start = input.ExclusiveStartKey ? this.startKey(t, input.ExclusiveStartKey) : undefined;
    const { bytes, ...page } = readPage(t, items, startAfter(t, items, start, kc, forward), {
      ...(input.Limit !== undefined ? { limit: input.Limit } : {}),
      ...(parsed.filter ? { filter: parsed.filter } : {}),
      ...(parsed.projection ? { projection: parsed.projection } : {}),
      countOnly,
    });
    return wire<D.QueryCommandOutput>({ ...page, ...consumed(input.ReturnConsumedCapacity, t.name, readUnits(bytes, input.ConsistentRead === true)) });
  }

  Scan(input: D.ScanCommandInput): Out<D.ScanCommandOutput> {
    rejectLegacy(input);
    const countOnly = this.checkSelect(input);
    const parsed = parseExpressions(input, ['FilterExpression', 'ProjectionExpression']);
    const segment = this.checkSegments(input);
    const t = this.table(input.TableName);
    if (input.IndexName !== undefined) throw validation(`The table does not have the specified index: ${input.IndexName}`);
    let items = t.scanOrder();
    if (segment) items = items.filter((it) => segmentOf(t, it, segment.total) === segment.index);
    const start = input.ExclusiveStartKey ? this.startKey(t, input.ExclusiveStartKey) : undefined;
    const { bytes, ...page } = readPage(t, items, scanStartAfter(t, items, start), {
      ...(input.Limit !== undefined ? { limit: input.Limit } : {}),
      ...(parsed.filter ? { filter: parsed.filter } : {}),
      ...(parsed.projection ? { projection: parsed.projection } : {}),
      countOnly,
    });
    return wire<D.ScanCommandOutput>({ ...page, ...consumed(input.ReturnConsumedCapacity, t.name, readUnits(bytes, input.ConsistentRead === true)) });
  }

  private checkSelect(input: D.QueryCommandInput | D.ScanCommandInput): boolean {
    checkEnum(input.Select, 'select', ['SPECIFIC_ATTRIBUTES', 'COUNT', 'ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES']);
    if (input.Limit !== undefined && input.Limit < 1) {
      throw validation(`1 validation error detected: Value '${input.Limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    }
    if (input.Select === 'ALL_PROJECTED_ATTRIBUTES') throw validation('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
    if (input.Select === 'SPECIFIC_ATTRIBUTES' && input.ProjectionExpression === undefined) {
      throw validation('SPECIFIC_ATTRIBUTES requires ProjectionExpression');
    }
    if (input.Select !== undefined && input.Select !== 'SPECIFIC_ATTRIBUTES' && input.ProjectionExpression !== undefined) {
      throw validation(`Cannot specify the ProjectionExpression when choosing to get ${input.Select}`);
    }
    return input.Select === 'COUNT';
  }

  private checkSegments(input: D.ScanCommandInput): { index: number; total: number } | undefined {
    const { Segment: index, TotalSegments: total } = input;
    if (index === undefined && total === undefined) return undefined;
    if (total === undefined) throw validation('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
    if (index === undefined) throw validation('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
    if (total < 1 || total > 1_000_000) throw validation(`1 validation error detected: Value '${total}' at 'totalSegments' failed to satisfy constraint: Member must have value between 1 and 1000000`);
    if (index < 0 || index >= total) throw validation(`The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${index} is not less than TotalSegments: ${total}`);
    return { index, total };
  }

  private startKey(t: Table, raw: Record<string, D.AttributeValue>): Item {
    try {
      return t.checkKey(raw);
    } catch {
      throw validation('The provided starting key is invalid: The provided key element does not match the schema');
    }
  }
}

function segmentOf(t: Table, item: Item, total: number): number {
  return t.segmentHash(item) % total;
}
