import { tokenize, type Token } from './lexer.ts';
import { expressionError } from './syntax-error.ts';

export type Operator =
  'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'exists' | 'not_exists' | 'in' | 'not_in' | 'matches' | 'not_matches';

export interface Argument {
  readonly text: string;
  readonly column: number;
}

export type ExpressionNode =
  | { readonly kind: 'and' | 'or'; readonly left: ExpressionNode; readonly right: ExpressionNode }
  | { readonly kind: 'not'; readonly operand: ExpressionNode }
  | {
      readonly kind: 'compare';
      readonly subject: Argument;
      readonly operator: Operator;
      readonly operatorColumn: number;
      readonly args: readonly Argument[];
    };

const SYMBOL_OPERATORS: ReadonlyMap<string, Operator> = new Map([
  ['==', 'eq'],
  ['!=', 'ne'],
  ['>', 'gt'],
  ['>=', 'ge'],
  ['<', 'lt'],
  ['<=', 'le'],
  ['=~', 'matches'],
  ['!~', 'not_matches'],
]);

const WORD_OPERATORS: ReadonlyMap<string, Operator> = new Map([
  ['equals', 'eq'],
  ['not_equals', 'ne'],
  ['greater_than', 'gt'],
  ['greater_than_equal', 'ge'],
  ['less_than', 'lt'],
  ['less_than_equal', 'le'],
  ['exists', 'exists'],
  ['not_exists', 'not_exists'],
  ['in', 'in'],
  ['not_in', 'not_in'],
  ['matches', 'matches'],
  ['not_matches', 'not_matches'],
]);

/**
 * Reads ECS's cluster query language into a tree. Precedence, loosest first:
 * `or` (`||`), `and` (`&&`), `not` (`!`), then a parenthesised expression or
 * one comparison `subject operator [argument]`. Meaning (which subjects take
 * which operators) is checked when the tree is compiled.
 */
export function parseExpression(expression: string): ExpressionNode {
  const parser = new Parser(expression, tokenize(expression));
  const tree = parser.disjunction();
  parser.expectEnd();
  return tree;
}

class Parser {
  private position = 0;
  private readonly expression: string;
  private readonly tokens: readonly Token[];

  constructor(expression: string, tokens: readonly Token[]) {
    this.expression = expression;
    this.tokens = tokens;
  }

  disjunction(): ExpressionNode {
    let left = this.conjunction();
    while (this.takeConnective('or', '||')) left = { kind: 'or', left, right: this.conjunction() };
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') this.fail(token, "expected 'and', 'or' or the end of the expression");
  }

  private conjunction(): ExpressionNode {
    let left = this.negation();
    while (this.takeConnective('and', '&&')) left = { kind: 'and', left, right: this.negation() };
    return left;
  }

  private negation(): ExpressionNode {
    const token = this.peek();
    if (
      (token.kind === 'word' && token.text.toLowerCase() === 'not') ||
      (token.kind === 'symbol' && token.text === '!')
    ) {
      this.position += 1;
      return { kind: 'not', operand: this.negation() };
    }
    return this.primary();
  }

  private primary(): ExpressionNode {
    const token = this.peek();
    if (token.kind === '(') {
      this.position += 1;
      const inner = this.disjunction();
      this.expect(')', `expected ')' to close the '(' at column ${token.column}`);
      return inner;
    }
    return this.comparison();
  }

  private comparison(): ExpressionNode {
    const subject = this.next();
    if (subject.kind !== 'word') this.fail(subject, 'expected a subject such as attribute:<name>');
    const { operator, column } = this.operator();
    const args = operator === 'exists' || operator === 'not_exists' ? [] : this.argumentsFor(operator);
    return {
      kind: 'compare',
      subject: { text: subject.text, column: subject.column },
      operator,
      operatorColumn: column,
      args,
    };
  }

  private operator(): { operator: Operator; column: number } {
    const token = this.next();
    const bySymbol = token.kind === 'symbol' ? SYMBOL_OPERATORS.get(token.text) : undefined;
    if (bySymbol !== undefined) return { operator: bySymbol, column: token.column };
    const byWord = token.kind === 'word' ? WORD_OPERATORS.get(token.text.toLowerCase()) : undefined;
    if (byWord !== undefined) return { operator: byWord, column: token.column };
    // `!in` and `!exists` arrive as the symbol `!` and a word.
    const after = this.peek();
    if (token.kind === 'symbol' && token.text === '!' && after.kind === 'word') {
      const negated = after.text.toLowerCase();
      if (negated === 'in' || negated === 'exists') {
        this.position += 1;
        return { operator: negated === 'in' ? 'not_in' : 'not_exists', column: token.column };
      }
    }
    return this.fail(token, 'expected an operator such as ==, !=, in, exists or =~');
  }

  private argumentsFor(operator: Operator): Argument[] {
    if (operator !== 'in' && operator !== 'not_in') return [this.value()];
    // ECS writes lists in brackets; parentheses are accepted as well.
    const open = this.next();
    if (open.kind !== '[' && open.kind !== '(') this.fail(open, "expected a list such as [a, b] after 'in'");
    const close = open.kind === '[' ? ']' : ')';
    const values = [this.value()];
    while (this.peek().kind === ',') {
      this.position += 1;
      values.push(this.value());
    }
    this.expect(close, `expected ',' or '${close}' in the list opened at column ${open.column}`);
    return values;
  }

  private value(): Argument {
    const token = this.next();
    if (token.kind !== 'word' && token.kind !== 'string') this.fail(token, 'expected a value');
    return { text: token.text, column: token.column };
  }

  private takeConnective(word: string, symbol: string): boolean {
    const token = this.peek();
    const matches =
      (token.kind === 'word' && token.text.toLowerCase() === word) ||
      (token.kind === 'symbol' && token.text === symbol);
    if (matches) this.position += 1;
    return matches;
  }

  private expect(kind: Token['kind'], problem: string): void {
    const token = this.next();
    if (token.kind !== kind) this.fail(token, problem);
  }

  private peek(): Token {
    return this.tokens[Math.min(this.position, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position += 1;
    return token;
  }

  private fail(token: Token, problem: string): never {
    const found = token.kind === 'end' ? 'the end of the expression' : `'${token.text}'`;
    throw expressionError(this.expression, token.column, `${problem}, found ${found}`);
  }
}
