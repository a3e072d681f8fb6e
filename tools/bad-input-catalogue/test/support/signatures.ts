/**
 * What callers can pass, read from the packages' own type declarations (the
 * built .d.ts of each entry point, as users see them): for every exported
 * function, class constructor, static method and public method declared by
 * the class itself, each parameter; and for a parameter named `options` (or
 * `...Options`), each property of its type. The coverage test requires a case
 * (or a stated exemption) for every one.
 */
import ts from 'typescript';
import type { Entry } from './entries.js';

export interface ParamItem {
  readonly entry: string;
  readonly subject: string;
  /** '' for a function, 'new', 'static name' or '#name', as in the cases. */
  readonly member: string;
  /** 'timeoutMs', 'options', 'options.threads'. */
  readonly param: string;
}

const OPTIONS_PARAM = /options$/i;

export function readParamItems(entries: readonly Entry[]): ParamItem[] {
  const program = ts.createProgram(
    entries.map((e) => e.types),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2024.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'],
      types: ['node'],
      skipLibCheck: true,
      noEmit: true,
      strict: true,
    },
  );
  const checker = program.getTypeChecker();
  const items: ParamItem[] = [];
  for (const entry of entries) {
    const source = program.getSourceFile(entry.types);
    if (source === undefined) throw new Error(`no declarations for ${entry.id} at ${entry.types}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${entry.types} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.valueDeclaration;
      if (declaration === undefined) continue; // a type
      const subject = exported.name;
      const add = (member: string, signature: ts.Signature | undefined): void => {
        if (signature === undefined) return;
        for (const parameter of signature.getParameters()) {
          if (parameter.name === 'this') continue;
          items.push({ entry: entry.id, subject, member, param: parameter.name });
          if (!OPTIONS_PARAM.test(parameter.name)) continue;
          const type = checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(parameter, declaration));
          for (const property of type.getProperties()) items.push({ entry: entry.id, subject, member, param: `${parameter.name}.${property.name}` });
        }
      };
      const staticType = checker.getTypeOfSymbolAtLocation(symbol, declaration);
      if (ts.isClassDeclaration(declaration)) {
        add('new', staticType.getConstructSignatures()[0]);
        for (const property of staticType.getProperties()) {
          const signature = ownCallSignature(checker, property, declaration);
          if (signature !== undefined) add(`static ${property.name}`, signature);
        }
        for (const property of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
          const signature = ownCallSignature(checker, property, declaration);
          if (signature !== undefined) add(`#${property.name}`, signature);
        }
      } else {
        add('', staticType.getCallSignatures()[0]);
      }
    }
  }
  return items;
}

/** The call signature of a public method declared by `owner` itself (not inherited, not `_internal`, not a symbol-named one). */
function ownCallSignature(checker: ts.TypeChecker, property: ts.Symbol, owner: ts.ClassDeclaration): ts.Signature | undefined {
  const declaration = property.valueDeclaration;
  if (declaration?.parent !== owner) return undefined;
  if (property.name === 'prototype' || property.name.startsWith('_') || property.name.startsWith('__@')) return undefined;
  if ((ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0) return undefined;
  return checker.getTypeOfSymbolAtLocation(property, declaration).getCallSignatures()[0];
}
