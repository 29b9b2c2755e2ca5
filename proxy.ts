import { NextResponse, type NextRequest } from "next/server";

// Next answers a malformed percent-encoding in a dynamic route segment (/api/auth/[...nextauth])
// with a bare 500 while decoding the params: refuse such a path first, as the bad request it is.
export function proxy(req: NextRequest) {
  try {
    decodeURIComponent(req.nextUrl.pathname);
  } catch {
    return NextResponse.json(
      { error: { code: "bad_path", message: "malformed percent-encoding in the path" } },
      { status: 400 },
    );
  }
  return NextResponse.next();
}

export const config = { matcher: "/api/auth/:path*" };
