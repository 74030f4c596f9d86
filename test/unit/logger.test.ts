import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, safeError } from '../../src/infrastructure/logger';

// The logger's last line of defence (issue 9 point 12): nothing that looks like an ID number or a Chinese
// name reaches a log line, and a database error loses the row values it quotes.

class Captured extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

describe('logger', () => {
  it('should mask ID numbers and Chinese names in messages and fields at any depth', () => {
    const output = new Captured();
    const logger = createLogger('debug', output);
    logger.info({ person: { idNumber: '11010119900307803X', names: ['张三丰'] }, old: '110101900307803' }, 'found 110101199003078034 李四');
    expect(output.text).toContain('[redacted]');
    expect(output.text).not.toMatch(/11010119900307803X|110101900307803|110101199003078034|张三丰|李四/);
  });

  it('should log a database error by type, SQLSTATE and stack, without its detail or the values its message quotes', () => {
    const error = Object.assign(new Error('invalid input syntax for type integer: "王五 110101199003078034"'), {
      code: '22P02',
      detail: 'Key (id_number)=(110101199003078034) already exists.',
      where: 'row 王五',
    });
    const logged = safeError(error);
    expect(logged).toMatchObject({ type: 'Error', code: '22P02', message: 'invalid input syntax for type integer: [redacted]' });
    expect(JSON.stringify(logged)).not.toMatch(/王五|110101199003078034|detail|where/);
    const output = new Captured();
    createLogger('info', output).error({ err: error }, 'unexpected error');
    expect(output.text).toContain('"code":"22P02"');
    expect(output.text).not.toMatch(/王五|110101199003078034/);
  });
});
